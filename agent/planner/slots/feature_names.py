"""How people write a table's feature names and values, built from the loaded table at run time.

"BloodPressure" is written "blood pressure", "BP" or "pressure"; "number_of_prior_crimes" as
"prior crimes" or "priors"; "Pregnancies" as "pregnancy"; a boolean column "woman" as "women"; a
category "Female" as "women". The forms come from the names alone (split camelCase and
underscores, singular and plural, a word of the name that no other feature or label uses,
initials), never from a list per data set; a form shared by two features names neither.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from saywhy.tools.tabular.schema import spelling  # the folding the table tools resolve names with

from .feature_bins import one_hot_values, thresholds
from .name_forms import (
    _GENERIC,
    _NAME_WORDS,
    _PERSONS,
    _SEX,
    _UNITS,
    _VERBS,
    DIRECTIONS,
    _own_forms,
    _said_forms,
    _said_otherwise,
    plural,
    singular,
)
from .value_codes import abbreviations, code_forms, common, initials

# how a feature is introduced and followed in a phrase ("their BMI", "patient 12's glucose
# levels"), and a number read into group `n`: shared by the condition and the edit readers
OWNER = (r"(?:(?:the|their|his|her|its|my|our|your|a|an|this|that)\s+(?:[a-z]\w*'s\s+)?"
         r"|[a-z]\w*'s\s+)?")
AFTER = r"(?:'s|’s)?(?:\s+(?:levels?|values?|readings?|counts?|scores?|balances?|amounts?))?"
NUM_N = r"(?P<n>-?\d+(?:\.\d+)?|-?\.\d+)"


@dataclass(frozen=True)
class FeatureInfo:
    """What the planner needs of one feature: its name, kind, (categories) values and (numbers)
    observed range."""

    name: str
    kind: str = "numeric"  # numeric | categorical | boolean
    values: tuple[str, ...] = ()
    low: float | None = None  # the observed range of a numeric feature, when known
    high: float | None = None


class FeatureNames:
    """The forms of every feature (longest first) and of the categorical values."""

    def __init__(self, features: Sequence[FeatureInfo], taken: Iterable[str] = ()) -> None:
        features = [_yes_no(f) for f in features]  # "ExerciseAngina" of Y/N: a yes/no column
        booleans = [f.name for f in features if f.kind == "boolean"]
        self.bins = thresholds(booleans, [f.name for f in features])  # "balance_geq_200": a
        # stand-in for the balance
        self.one_hot = one_hot_values(booleans)  # "loanpurposeNewCar": "new car"
        binned = {t.column for ts in self.bins.values() for t in ts}
        features = [*features, *(FeatureInfo(name) for name in self.bins)]
        self.features = {f.name: f for f in features}
        taken_words = {w for t in taken for w in spelling(t).split()}
        owners: dict[str, set[str]] = defaultdict(set)
        for f in features:
            for form in {spelling(f.name)} if f.name in binned else _own_forms(f.name):
                owners[form].add(f.name)
        # single words of a name that no other feature (nor a label) uses
        word_owners: dict[str, set[str]] = defaultdict(set)
        for f in features:
            for w in [] if f.name in binned else spelling(f.name).split():
                if len(w) < 4:  # ("med" of diabetesMed is no "meds" of num_medications)
                    continue
                for v in {w, singular(w), plural(singular(w)), *abbreviations(w)}:
                    word_owners[v].add(f.name)
        for word, names in word_owners.items():
            if (len(names) == 1 and len(word) >= 4 and word not in _GENERIC
                    and singular(word) not in _GENERIC and word not in taken_words):
                owners[word] |= names
        verbs: dict[str, set[str]] = defaultdict(set)
        for f in features:
            if f.kind == "numeric":
                words = spelling(f.name).split()
                # the name's words, and the head (last) word of each way it is said otherwise:
                # "loan" of credit_amount, not of "loan length months"
                for w in {*words, *(o.split()[-1] for o in _said_otherwise(words))}:
                    for verb in _VERBS.get(w, ()):
                        verbs[verb].add(f.name)
        ages = any(re.search(r"\bage\b", spelling(f.name)) for f in features
                   if f.name not in self.bins)
        for f in features:
            if f.kind == "numeric":
                for w in spelling(f.name).split():
                    if w in _UNITS and not (w == "years" and ages):
                        verbs[w].add(f.name)
                        verbs[w[:-1]].add(f.name)
        self.verb_forms: set[str] = set()  # "asked for": said by its verb, never after a number
        for verb, names in verbs.items():
            if len(names) == 1 and verb not in owners and verb not in taken_words:
                owners[verb] |= names
                if verb not in _UNITS and verb + "s" not in _UNITS:  # "months" is no verb
                    self.verb_forms.add(verb)
        self.forms = sorted(((form, next(iter(n))) for form, n in owners.items() if len(n) == 1),
                            key=lambda x: -len(x[0]))
        self.pattern = "|".join(_spaced(form) for form, _ in self.forms) or r"(?!x)x"
        self._lookup = {re.sub(r"[\s_/-]+", " ", form): name for form, name in self.forms}
        # the patterns let a form's words run together ("bloodpressure"): so does the lookup
        self._lookup |= {k.replace(" ", ""): n for k, n in self._lookup.items()
                         if k.replace(" ", "") not in self._lookup}
        self.values = self._value_forms(features, taken_words, self.one_hot)
        # a long value's initials ("hr", "r&d"): read only when typed in capitals (value_words)
        self.initials = {i for f in features if f.kind == "categorical" for v in f.values
                         for i in initials(spelling(v))}
        self._codes = [(re.compile(rx, re.I), f.name, v) for f in features
                       if f.kind == "categorical" for v in f.values for rx in code_forms(str(v))]
        self.value_pattern = "|".join([*(_spaced(v) for v in sorted(self.values, key=len,
                                                                    reverse=True)),
                                       *(rx.pattern for rx, _, _ in self._codes)]) or r"(?!x)x"

    @staticmethod
    def _value_forms(features: Sequence[FeatureInfo], taken: set[str],
                     one_hot: dict[str, str]) -> dict[str, tuple[str, str]]:
        """'women' -> (feature, value): categorical values, boolean columns named as words
        people use for a group of rows and one-hot columns as their value ("new car"); a form
        two features share names neither."""
        found: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for f in features:
            if f.name in one_hot:
                low = one_hot[f.name]
                for form in {low, plural(low), *_SEX.get(low, ()), *_said_forms(low)}:
                    found[form].add((f.name, _truth_of(f)))
                continue
            if f.kind == "categorical":
                lows = {spelling(v) for v in f.values}
                changes = {"up", "down"} <= lows and bool(lows & {"steady", "no", "none"})
                for v in f.values:
                    low = spelling(v)
                    for form in DIRECTIONS.get(low, ()) if changes else ():  # insulin "Up",
                        found[form].add((f.name, v))  # a dose change: "went up", "increased"
                    head = spelling(f.name).split()[-1] if spelling(f.name) else ""
                    if len(head) >= 5 and head not in _GENERIC and low.isalpha():
                        for gap in (" ", "", "-"):  # "upsloping" of ST_Slope "Up"
                            found[f"{low}{gap}{head.removesuffix('e')}ing"].add((f.name, v))
                    if low not in _SEX and (len(low) < 3 or not re.search(r"[a-z]{3}", low)
                                            or low in _GENERIC):
                        continue  # ("M" and "F" of a sex column are said "men", "women")
                    for form in {low, plural(low), *_SEX.get(low, ()), *_said_forms(low)}:
                        found[form].add((f.name, v))
                    if low in ("none", "no", "nothing"):  # "no checking account"
                        for form in _own_forms(f.name):
                            for said in (f"no {form}", f"without a {form}", f"without {form}"):
                                found[said].add((f.name, v))
            elif f.kind == "boolean":
                words = spelling(f.name).split()
                if len(words) == 1 and words[0] not in _GENERIC and words[0] not in taken:
                    for form in {words[0], plural(words[0]), *_SEX.get(words[0], ())}:
                        found[form].add((f.name, _truth_of(f)))
        return {form: next(iter(v)) for form, v in found.items() if len(v) == 1}

    def name_of(self, said: str) -> str | None:
        """The feature a written form names (exact form, any case and spacing)."""
        key = re.sub(r"[\s_/-]+", " ", said.strip().lower())
        return self._lookup.get(key) or self._lookup.get(re.sub(
            r"(?<=\w) the (?=\w)", " ", key)) or self._lookup.get(key.replace(" ", ""))

    def value_of(self, said: str) -> tuple[str, str] | None:
        """(feature, value) a written value form names, if it names one."""
        key = re.sub(r"[\s_/-]+", " ", said.strip().lower())
        found = self.values.get(key) or self.values.get(re.sub(r"(?<=\w) the (?=\w)", " ", key))
        return found or next(((name, v) for rx, name, v in self._codes
                              if rx.fullmatch(said.strip())), None)

    def kind(self, name: str) -> str:
        return self.features[name].kind

    def values_said(self) -> list[str]:
        """Every categorical value as the table writes it (longest first)."""
        return sorted({str(v) for f in self.features.values() if f.kind == "categorical"
                       for v in f.values if str(v).strip()}, key=len, reverse=True)

    def boolean_pattern(self) -> str:
        """The forms of the yes/no features, longest first ('' when there are none)."""
        return "|".join(_spaced(form) for form, name in self.forms
                        if self.features[name].kind == "boolean")

    def truth(self, name: str, yes: bool) -> str:
        """The value a yes/no feature holds for yes (or no): its own spelling of 1/0, true..."""
        return _truth_of(self.features[name], yes)

    def by_unit(self, name: str, said: str) -> str:
        """"Loans over 36 months" on a table with a loan amount and a duration in months: the
        one feature whose name has the unit said, when the feature named lacks it."""
        unit = re.search(r"\b(months?|weeks?|days?|hours?|minutes?)\b", said, re.I)
        if unit is None:
            return name
        word = unit.group(1).lower().rstrip("s") + "s"
        if word in spelling(name).split():
            return name
        owners = [n for n, f in self.features.items() if f.kind == "numeric"
                  and word in spelling(n).split()]
        return owners[0] if len(owners) == 1 else name

    def age(self) -> str | None:
        """The feature that "older" and "younger" compare: one whose name has the word age."""
        things = set(self.things().values())
        found = [n for n in self.features if "age" in spelling(n).split()
                 and self.features[n].kind == "numeric" and n not in self.bins
                 and spelling(n) not in things]  # a house's age is no person's
        return found[0] if len(found) == 1 else None

    def things(self) -> dict[str, str]:
        """"car" -> "vehicle age": the nouns whose age a numeric feature holds ("VehicleAge";
        a stand-in counts), with the other words of `_NAME_WORDS` for the noun."""
        out: dict[str, str] = {}
        for name, f in self.features.items():
            words = spelling(name).split()
            if f.kind == "numeric" and len(words) == 2 and words[1] == "age" and (
                    words[0] not in _PERSONS):
                for noun in (words[0], *_NAME_WORDS.get(words[0], ())):
                    out[noun] = " ".join(words)
        return out

    def acronyms(self) -> list[tuple[re.Pattern[str], str]]:
        """"Body mass index" for a feature named "BMI", "resting blood pressure" (or "blood
        pressure" alone) for "RestingBP", "maximum heart rate" for "MaxHR": words whose initials
        spell a part of the name written in capitals (2-5 letters; each word at least 4 letters,
        so "best model is" is none), with the name to write in their place. A form another
        feature's name already has ("BloodPressure") is left to that feature."""
        out = []
        own = {spelling(n) for n in self.features}
        for name in self.features:
            parts = re.findall(r"[A-Z]{2,5}(?![a-z])|[A-Z]?[a-z]+", name)
            if not any(p.isupper() for p in parts) or "".join(parts) != name:
                continue
            said = [r"\s+".join(rf"{c}[a-z]{{3,}}" for c in p.lower()) if p.isupper()
                    else rf"{re.escape(p.lower())}[a-z]*" for p in parts]
            out.append((re.compile(r"\b" + r"[\s-]+".join(said) + r"\b", re.I), name))
            caps = [p for p in parts if p.isupper()]
            if len(parts) > 1 and len(caps) == 1:  # "blood pressure" of "RestingBP" (not
                # "been predicted", "between sexes": words the planner's questions use)
                alone = r"\s+".join(rf"(?!(?:{common(c)})\b){c}[a-z]{{3,}}"
                                    for c in caps[0].lower())
                taken = "|".join(map(re.escape, own))
                out.append((re.compile(rf"\b(?!(?:{taken})\b){alone}\b", re.I), name))
        return out

    def words(self) -> set[str]:
        """Every word of the forms: never to be taken for a typo of another word."""
        return {w for form, _ in self.forms for w in form.split()} | {
            w for v in self.values for w in v.split()}


_YES_NO = ({"y", "n"}, {"yes", "no"}, {"true", "false"})


def _yes_no(f: FeatureInfo) -> FeatureInfo:
    """A category column holding only yes and no ("Y"/"N") is a yes/no column: "with exercise
    angina" is its yes, "without" its no."""
    if f.kind == "categorical" and {str(v).lower() for v in f.values} in _YES_NO:
        return FeatureInfo(f.name, "boolean", f.values, f.low, f.high)
    return f


def _truth_of(f: FeatureInfo, yes: bool = True) -> str:
    """A yes/no column's own spelling of yes (or no): 1/0, true/false, ..."""
    wanted = ("1", "true", "yes", "1.0", "t", "y") if yes else ("0", "false", "no", "0.0", "f", "n")
    found = next((str(v) for v in f.values if str(v).lower() in wanted), None)
    return found or ("1" if yes else "0")


def _spaced(form: str) -> str:
    """A form as a pattern: any spacing, "_", "/" or "-" between its words, and a "the" where
    a long name leaves it out ("other loans at the bank")."""
    return r"(?:[\s_/-]+the\s+|[\s_/-]*)".join(re.escape(p) for p in form.split())
