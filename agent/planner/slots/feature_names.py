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

# how a feature is introduced and followed in a phrase ("their BMI", "patient 12's glucose
# levels"), and a number read into group `n`: shared by the condition and the edit readers
OWNER = (r"(?:(?:the|their|his|her|its|my|our|your|a|an|this|that)\s+(?:[a-z]\w*'s\s+)?"
         r"|[a-z]\w*'s\s+)?")
AFTER = r"(?:\s+(?:levels?|values?|readings?|counts?|scores?|balances?|amounts?))?"
NUM_N = r"(?P<n>-?\d+(?:\.\d+)?|-?\.\d+)"

# words of a feature name too generic to name it alone ("number" of pregnancies, "loan" amount)
_GENERIC = set("""number count num amount total value values level levels rate ratio score index
function type status flag indicator percent percentage pct size length time times days months
years year month day age group class category label id code has is was are with of in at on per
as the a an and or to geq leq gt lt eq greater less than equal other current currently""".split())
# verbs that name a quantity people own or ask for ("applicants earning over 50000", "what if
# they borrowed 2000 less"): keyed by a word of the feature's name
_VERBS = {
    "income": ("earn", "earns", "earned", "earning"),
    "salary": ("earn", "earns", "earned", "earning", "paid"),
    "earnings": ("earn", "earns", "earned", "earning"),
    "wage": ("earn", "earns", "earned", "earning", "paid"),
    "loan": ("borrow", "borrows", "borrowed", "borrowing", "asking for", "asks for",
             "asked for", "ask for", "requesting", "requested", "applying for", "applied for"),
    "weight": ("weigh", "weighs", "weighed", "weighing"),
    "debt": ("owe", "owes", "owed", "owing"),
    "charges": ("pay", "pays", "paid", "paying", "bill", "billed", "spend", "spends", "spent"),
    "charge": ("pay", "pays", "paid", "paying", "bill", "billed", "spend", "spends", "spent"),
    "fee": ("pay", "pays", "paid", "paying"),
    "premium": ("pay", "pays", "paid", "paying"),
    "monthly": ("per month", "a month", "each month", "every month"),
    "tenure": ("been with us", "with us for", "been a customer", "a customer for"),
}
# units a count of time is said in ("less than 6 months"): the one feature whose name has it
_UNITS = ("months", "weeks", "days", "years", "hours", "minutes")
# words of a name that people say otherwise ("loan amount" for credit_amount)
_NAME_WORDS = {"credit amount": ("loan amount",), "duration": ("length", "term"),
               "priors": ("prior convictions", "prior offenses"), "jail": ("prison",)}
# a name's leading verb, said otherwise ("owns house": "own a house")
_VERB_WORDS = {"owns": ("own", "owns", "owning", "owned"), "rents": ("rent", "rents", "renting",
               "rented"), "has": ("have", "having", "had", "with")}
_SMALL_WORDS = set("oh ok no so hi it is as at in on or an to do go me my we us up be by he if of"
                   " am id".split())
_IRREGULAR = {"woman": "women", "man": "men", "person": "people", "child": "children"}
# the sexes as people say them, for a categorical value or boolean column of that name
_SEX = {"female": ("female", "females", "woman", "women"), "male": ("male", "males", "man", "men"),
        "woman": ("woman", "women", "female", "females"), "man": ("man", "men", "male", "males"),
        "f": ("female", "females", "woman", "women"), "m": ("male", "males", "man", "men")}


def plural(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(?:s|x|ch|sh)$", word):
        return word + "es"
    return word + "s"


def singular(word: str) -> str:
    for one, many in _IRREGULAR.items():
        if word == many:
            return one
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(?:ss|us|is)$", word):
        return word
    if word.endswith("es") and re.search(r"(?:s|x|ch|sh)es$", word):
        return word[:-2]
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


@dataclass(frozen=True)
class FeatureInfo:
    """What the planner needs of one feature: its name, kind and (categories) values."""

    name: str
    kind: str = "numeric"  # numeric | categorical | boolean
    values: tuple[str, ...] = ()


def _variants(words: list[str]) -> set[str]:
    """A multi-word name with its last word singular and plural ("prior crimes", "prior crime")."""
    if not words:
        return set()
    last = words[-1]
    return {" ".join([*words[:-1], w]) for w in {last, singular(last), plural(singular(last))}
            if w}


def _said_otherwise(words: list[str]) -> set[str]:
    """The name with a phrase of `_NAME_WORDS` said the other way ("loan amount")."""
    name = " ".join(words)
    return {re.sub(rf"\b{key}\b", other, name) for key, others in _NAME_WORDS.items()
            if re.search(rf"\b{key}\b", name) for other in others}


def _own_forms(name: str) -> set[str]:
    words = spelling(name).split()
    forms = _variants(words)
    for other in _said_otherwise(words):  # "loan amount" for credit_amount
        forms |= _variants(other.split())
    core = [w for w in words if w not in ("has", "is", "num", "number", "of", "count", "total")]
    if core and core != words:  # "number of prior crimes" -> "prior crimes"; "has telephone"
        forms |= _variants(core)
        if words[:2] == ["number", "of"] or words[-1:] == ["count"]:
            forms |= {"number of " + " ".join(core), "# of " + " ".join(core)}
    forms |= _part_forms(words)
    if len(words) >= 2 and words[0] in _VERB_WORDS:  # OwnsHouse: "own a house", "owning a home"
        rest = " ".join(words[1:])
        forms |= {f"{v}{a}{rest}" for v in _VERB_WORDS[words[0]] for a in (" ", " a ", " their ")}
    if len(words) >= 2:
        initials = "".join(w[0] for w in words if w[0].isalpha())
        if len(initials) >= 2 and initials not in _SMALL_WORDS:  # ("oh" is no OwnsHouse)
            forms.add(initials)
    return {f for f in forms if f}


_EDGE = set("of at or as is the a an and to in on for with by per from geq leq gt lt eq".split())
_COMPARATORS = {"geq", "leq", "gt", "lt", "eq", "ge", "le"}


def _said_forms(value: str) -> set[str]:
    """Other ways people say a category: its words in the other order ("used car" for "car
    used"), and for a one-word value the people or the doing ("rent": renters, renting; "own":
    owners; "felony": felons)."""
    words = value.split()
    if len(words) == 2:
        return {f"{words[1]} {words[0]}", f"{words[1]} {plural(words[0])}"}
    if len(words) != 1 or not value.isalpha() or len(value) < 3:
        return set()
    stem = value[:-1] if value.endswith(("y", "e")) else value
    return {stem + "er", stem + "ers", stem + "ing", *({stem, stem + "s"} if value.endswith(
        "y") and len(stem) >= 4 else set())}


def _part_forms(words: list[str]) -> set[str]:
    """The first or last words of a long name, as people shorten it ("pedigree function" of
    DiabetesPedigreeFunction, "loan rate" of LoanRateAsPercentOfIncome): at least two words,
    not starting or ending with a small word, keeping a negation ("current loan" of
    NoCurrentLoan would read "no current loan" as its opposite) and leaving out the threshold
    a name spells ("balance geq 200")."""
    if any(w in _COMPARATORS for w in words) or len(words) < 3:
        return set()
    negations = [k for k, w in enumerate(words) if w in ("no", "not", "non", "without")]
    out: set[str] = set()
    for i, j in [(0, n) for n in range(2, len(words))] + [(n, len(words))
                                                          for n in range(1, len(words) - 1)]:
        part = words[i:j]
        if (part[0] in _EDGE or part[-1] in _EDGE or not all(i <= k < j for k in negations)
                or all(w in _GENERIC for w in part)):
            continue
        out |= _variants(part)
    return out


class FeatureNames:
    """The forms of every feature (longest first) and of the categorical values."""

    def __init__(self, features: Sequence[FeatureInfo], taken: Iterable[str] = ()) -> None:
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
                for v in {w, singular(w), plural(singular(w))}:
                    word_owners[v].add(f.name)
        for word, names in word_owners.items():
            if (len(names) == 1 and len(word) >= 4 and word not in _GENERIC
                    and singular(word) not in _GENERIC and word not in taken_words):
                owners[word] |= names
        verbs: dict[str, set[str]] = defaultdict(set)
        for f in features:
            if f.kind == "numeric":
                words = spelling(f.name).split()
                for w in {*words, *(x for o in _said_otherwise(words) for x in o.split())}:
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
        for verb, names in verbs.items():
            if len(names) == 1 and verb not in owners and verb not in taken_words:
                owners[verb] |= names
        self.forms = sorted(((form, next(iter(n))) for form, n in owners.items() if len(n) == 1),
                            key=lambda x: -len(x[0]))
        self.pattern = "|".join(_spaced(form) for form, _ in self.forms) or r"(?!x)x"
        self._lookup = {re.sub(r"[\s_/-]+", " ", form): name for form, name in self.forms}
        self.values = self._value_forms(features, taken_words, self.one_hot)
        self.value_pattern = "|".join(_spaced(v) for v in sorted(self.values, key=len,
                                                                 reverse=True)) or r"(?!x)x"

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
                    found[form].add((f.name, _true_of(f)))
                continue
            if f.kind == "categorical":
                for v in f.values:
                    low = spelling(v)
                    if len(low) < 3 or not re.search(r"[a-z]{3}", low) or low in _GENERIC:
                        continue
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
                        found[form].add((f.name, _true_of(f)))
        return {form: next(iter(v)) for form, v in found.items() if len(v) == 1}

    def name_of(self, said: str) -> str | None:
        """The feature a written form names (exact form, any case and spacing)."""
        key = re.sub(r"[\s_/-]+", " ", said.strip().lower())
        return self._lookup.get(key) or self._lookup.get(re.sub(r"(?<=\w) the (?=\w)", " ", key))

    def value_of(self, said: str) -> tuple[str, str] | None:
        """(feature, value) a written value form names, if it names one."""
        key = re.sub(r"[\s_/-]+", " ", said.strip().lower())
        return self.values.get(key) or self.values.get(re.sub(r"(?<=\w) the (?=\w)", " ", key))

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
        truthy, falsy = ("1", "true", "yes", "1.0", "t", "y"), ("0", "false", "no", "0.0", "f", "n")
        wanted = truthy if yes else falsy
        found = next((str(v) for v in self.features[name].values if str(v).lower() in wanted),
                     None)
        return found or ("1" if yes else "0")

    def age(self) -> str | None:
        """The feature that "older" and "younger" compare: one whose name has the word age."""
        found = [n for n in self.features if "age" in spelling(n).split()
                 and self.features[n].kind == "numeric" and n not in self.bins]
        return found[0] if len(found) == 1 else None

    def words(self) -> set[str]:
        """Every word of the forms: never to be taken for a typo of another word."""
        return {w for form, _ in self.forms for w in form.split()} | {
            w for v in self.values for w in v.split()}


def _true_of(f: FeatureInfo) -> str:
    """A yes/no column's own spelling of yes."""
    return str(next((v for v in f.values if str(v).lower() in ("1", "true", "yes", "1.0", "t",
                                                                "y")), "1"))


def _spaced(form: str) -> str:
    """A form as a pattern: any spacing, "_", "/" or "-" between its words, and a "the" where
    a long name leaves it out ("other loans at the bank")."""
    return r"(?:[\s_/-]+the\s+|[\s_/-]*)".join(re.escape(p) for p in form.split())
