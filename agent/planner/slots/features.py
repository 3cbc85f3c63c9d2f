"""Feature slots of a table model's question: conditions, what-if edits, fixed features, a pair.

"how accurate are you on people older than 50?" -> condition `Age > 50`; "patients with glucose
over 150 and BMI under 30" -> `Glucose > 150 and BMI < 30`; "what if their BMI were 25 and age
40?" -> edits BMI=25, Age=40; "increase glucose by 20" -> Glucose +20; "without changing age" ->
Age fixed; "how does glucose interact with age?" -> the pair. Feature names are the loaded
table's (`feature_names.py`). Each read span is consumed, so the 150 of "glucose over 150" is
never taken for an item id. Hand-written because no parser library reads comparisons written in
words against a table's own column names; the table tools re-check every value they are given.
"""

from __future__ import annotations

import re

from .clause_slots import FeatureSlots
from .compare import compared, one_of, settle
from .feature_ages import AgeReader, thing_ages
from .feature_bins import OneHotEdits, either_one_hot, stand_ins
from .feature_edits import EditReader
from .feature_levels import LevelReader
from .feature_names import AFTER, NUM_N, OWNER, FeatureNames, spelling
from .feature_units import UnitReader, bare_bound
from .feature_words import (
    BE,
    EVERY_ONE,
    GE,
    GT,
    JOINS,
    LE,
    LT,
    OPS,
    PEOPLE,
    SOMEONE,
    THOUSANDS,
    TRAIL,
    UNIT,
    op_of,
    to_number,
    trail_op,
    yes_no_groups,
)
from .fixed_features import fixed_pattern, read_fixed
from .name_forms import _UNITS
from .number_words import months_words, one_unit, spelled_numbers, years_as_months
from .patterns import consume
from .pronoun_edits import got_one, pay_raise, pronoun_edits
from .value_words import a_word


class FeatureReader:
    """Reads feature slots from a clause's working text for one table's features."""

    def __init__(self, names: FeatureNames) -> None:
        self.names = names
        self.edit_reader = EditReader(names)
        self._switches = OneHotEdits(names.values, names.one_hot, {
            n for n, f in names.features.items() if f.kind == "categorical"})
        self._things = names.things()
        self._acronyms = names.acronyms()
        f = rf"(?P<f>{names.pattern})"
        ops = "|".join(o for o, _ in OPS)
        self._cond_after = re.compile(
            rf"(?<![\w-]){OWNER}{f}(?![\w-]){AFTER}{BE}(?:\s*,?\s*(?:say|i\.?e\.?|like|meaning))?"
            rf"\s*(?:either\s+)?(?P<op>{ops})\s*{NUM_N}{UNIT}"
            rf"(?:\s+(?P<trail>{'|'.join(t for t, _ in TRAIL)})(?!\s*-?\d))?", re.I)
        self._between = re.compile(
            rf"(?<![\w-]){OWNER}{f}(?![\w-]){AFTER}{BE}\s*(?:between|from|in\s+the\s+range"
            rf"(?:\s+of)?)\s*{NUM_N}{UNIT}\s*(?:and|to|-|–)\s*(?P<hi>-?\d+(?:\.\d+)?){UNIT}"
            # "between 10 and 100 days in jail": the feature (a unit of it) after the numbers
            rf"|\bbetween\s+(?P<n2>-?\d+(?:\.\d+)?)\s+and\s+(?P<hi2>-?\d+(?:\.\d+)?)\s+(?:{OWNER})"
            rf"(?P<f2>{names.pattern})(?![\w-])", re.I)
        ops_re = "|".join(o for o, _ in OPS[:4])
        self._more = re.compile(rf"\s*,?\s*(?P<j>and|but|yet|or|vs\.?|versus|compared\s+(?:to|with)"
                                rf"|against)\s+(?:also\s+)?(?:is\s+|are\s+|those\s+|the\s+ones\s+)?"
                                rf"(?P<op>{ops_re})\s*{NUM_N}{UNIT}", re.I)
        trail = "|".join(t for t, _ in TRAIL)
        # "with insulin 0", "whose glucose is 150", "bmi 30 or more": a value with no comparison
        self._with_value = re.compile(
            rf"(?:\b(?P<with>with|whose|having|has|have)\s+(?:an?\s+)?)?(?<![\w-]){OWNER}{f}"
            rf"(?![\w-]){AFTER}(?:\s+(?:of|at|=))?\s*{NUM_N}{UNIT}"
            rf"(?:\s+(?P<trail>{trail}))?(?![\w.]|\s*-?\d)", re.I)
        self._plus = re.compile(rf"(?<![\w-]){OWNER}{f}(?![\w-]){AFTER}(?:\s+(?:of|at|is|=))?\s*"
                                rf"{NUM_N}\s*\+", re.I)
        values = "|".join(re.escape(v) for v in names.values_said())
        self._is_value = re.compile(
            rf"(?<![\w-]){f}(?![\w-])\s*(?:is|=|==|equals?|of)\s*(?P<not>not\s+)?(?P<v>yes|no|true"
            rf"|false{'|' + values if values else ''})(?![\w-])", re.I)
        self._span = re.compile(
            rf"(?<![\w-]){OWNER}{f}(?![\w-]){AFTER}\s+(?:of\s+|from\s+)?{NUM_N}{UNIT}\s*(?:-|–|to)"
            rf"\s*(?P<hi>-?\d+(?:\.\d+)?)(?![\w.])", re.I)
        self._cond_before = re.compile(
            rf"(?P<op>{GE}|{LE}|{GT}|{LT}|exactly)?\s*{NUM_N}(?P<trail>\+|\s+or\s+(?:more"
            rf"|fewer|less))?\s+(?:(?!{JOINS})\w+\s+)?(?:(?P<trail3>or\s+(?:more|fewer|less|higher"
            rf"|lower))\s+)?(?:(?:in|at)\s+(?:their\s+|the\s+|his\s+|her\s+)?)?{f}(?![\w-])"
            rf"(?:\s+(?P<trail2>or\s+(?:more|fewer|less|higher|lower|above|below)))?", re.I)
        age = names.age()
        groups = [v for v in names.values if v.endswith("s") and " " not in v]
        people = "|".join([PEOPLE, EVERY_ONE, *map(re.escape, groups),  # "the emergency
                           r"cases|admissions|records|rows|instances|entries"])  # cases over 65"
        self._ages = AgeReader(age, people, UNIT, SOMEONE) if age else None
        self._units = UnitReader({n: spelling(n) for n, x in names.features.items()
                                  if x.kind == "numeric"}, _UNITS)  # "orders over 10 km"
        self._levels = LevelReader(names)
        self._months = months_words(names)  # the one feature that counts months, if any
        self._people_after = re.compile(rf"\s+(?:{'|'.join([PEOPLE, *map(re.escape, groups)])})\b",
                                        re.I)  # "the DSL customers": a group
        self._fixed = fixed_pattern(names.pattern)
        self._name = re.compile(rf"(?<![\w-])(?:{names.pattern})(?![\w-])", re.I)
        self._none = re.compile(rf"\b(?:with|having|had|have|has)\s+(?:no|zero|0)\s+{f}(?![\w-])",
                                re.I)
        yes_no = names.boolean_pattern()
        self._bool = yes_no_groups(yes_no) if yes_no else None
        self._group = re.compile(
            rf"(?<![\w-])(?P<neg>(?:not|non|no|without|aren't|isn't|except(?:\s+for)?|excluding"
            rf"|other\s+than|apart\s+from|but\s+not)(?:\s+the)?[\s-]+(?:(?:those|ones|people|[a-z]+s)"
            rf"\s+(?:with|who\s+are|on|in|having)\s+(?:an?\s+|the\s+)?)?|(?:who|that)\s+(?:aren't"
            rf"|isn't|wasn't|weren't|don't|doesn't|didn't|are\s+not|is\s+not|do\s+not|does\s+not)"
            rf"\s+(?:for\s+|on\s+|in\s+|have\s+|own\s+)?(?:an?\s+|the\s+)?)?(?P<v>"
            rf"{names.value_pattern})(?![\w-])", re.I)

    def read(self, w: str, *, hypothetical: bool) -> tuple[str, FeatureSlots]:
        """The feature slots of a clause's working text, and the text with them consumed:
        fixed features first, then edits when the clause supposes something, then conditions
        on the rows in what is left."""
        w = THOUSANDS.sub(lambda m: f"{m.group(1)}{to_number(str(float(m.group(2)) * 1000))}",
                           spelled_numbers(w)).replace("(", " ").replace(")", " ")
        w = re.sub(r"[$€£](?=\d)", " ", w)  # "below $3000": the amount
        if self._months is not None:  # "longer than 2 years" on a table that counts months
            w = years_as_months(w, self._months, self._ages is not None)
        w = one_unit(w)  # "less than a year" -> "less than 1 year"
        for pattern, name in self._acronyms:  # "body mass index" -> "BMI"
            w = pattern.sub(name, w)
        w = thing_ages(w, self._things)  # "cars at least 10 years old" -> "vehicle age >= 10"
        out = FeatureSlots(mentioned=list(dict.fromkeys(
            self._feature(m.group(0)) for m in self._name.finditer(w))))
        w, out.fixed = read_fixed(w, self._fixed, self._name, self.names)
        if hypothetical:
            w, out.edits = self._switches.read(w)  # "a sports car instead of a sedan"
            w, found = self.edit_reader.edits(w)
            out.edits += [e for _, e in found]
        w = self.conditions(w, out)  # "if BMI went up by 5 for patients under 30"
        if hypothetical and not out.edits:  # "if the ones without a garage got one"
            w, out.edits = got_one(self.names, w, out.conditions)
        if not out.edits:  # "a 10% raise" (said even of no supposed change: "give 5 a raise")
            w, out.edits = pay_raise(self.names, w)
        named = {c.split()[0] for c in out.conditions} or set(out.mentioned)
        if hypothetical and not out.edits and len(named) == 1:
            w, out.edits = pronoun_edits(self.edit_reader, w, named.pop())
        # "balance >= 200" on a binarised table: its yes/no column
        stand_ins(self.names.bins, self.names.truth, out, hypothetical)
        return w, out

    # ---- the parts -----------------------------------------------------------------------
    def _feature(self, said: str) -> str:
        name = self.names.name_of(said)
        assert name is not None, said
        return name

    def _numeric(self, name: str) -> bool:
        return self.names.kind(name) == "numeric"

    def _coded(self, name: str, op: str, n: str) -> str | None:
        """A category that codes a range (">8", "<30") named by its bound: "above 8"."""
        sign = op[0]
        return next((str(v) for v in self.names.features[name].values
                     if re.fullmatch(rf"\s*{re.escape(sign)}=?\s*{re.escape(n)}\s*", str(v))), None)

    def conditions(self, w: str, out: FeatureSlots) -> str:
        whole = w  # before the conditions are taken out of it ("vs" goes with them)
        found: list[tuple[int, str]] = []
        for m in self._between.finditer(w):
            name = self.names.by_unit(self._feature(m.group("f") or m.group("f2")), m.group(0))
            lo, hi = sorted((to_number(m.group("n") or m.group("n2")),
                             to_number(m.group("hi") or m.group("hi2"))))
            found.append((m.start(), f"{name} between {lo} and {hi}"))
            w = consume(w, m)
        for m in list(self._plus.finditer(w)):  # "glucose 120+"
            name = self._feature(m.group("f"))
            if self._numeric(name):
                found.append((m.start(), f"{name} >= {to_number(m.group('n'))}"))
                w = consume(w, m)
        for m in list(self._is_value.finditer(w)):  # "has_guarantor is yes", "sex = female"
            name = self._feature(m.group("f"))
            said = m.group("v").lower()
            kind = self.names.kind(name)
            if kind == "boolean" and said in ("yes", "no", "true", "false"):
                yes = (said in ("yes", "true")) != bool(m.group("not"))
                found.append((m.start(), f"{name} == {self.names.truth(name, yes)}"))
                w = consume(w, m)
            elif kind == "categorical":
                value = next((v for v in self.names.features[name].values if v.lower() == said),
                             None)
                if value is not None:
                    op = "!=" if m.group("not") else "=="
                    found.append((m.start(), f"{name} {op} {value}"))
                    w = consume(w, m)
        for m in list(self._span.finditer(w)):  # "ages 30 to 40", "glucose 100-140"
            name = self._feature(m.group("f"))
            if self._numeric(name):
                lo, hi = sorted((to_number(m.group("n")), to_number(m.group("hi"))))
                found.append((m.start(), f"{name} between {lo} and {hi}"))
                w = consume(w, m)
        for m in list(self._cond_after.finditer(w)):
            name = self.names.by_unit(self._feature(m.group("f")), m.group(0))
            op = op_of(m.group("op"))
            if op in ("<", ">", "<=", ">=") and not self._numeric(name):
                coded = self._coded(name, op, m.group("n"))  # "A1C above 8": its value ">8"
                if coded is not None:
                    found.append((m.start(), f"{name} == {coded}"))
                    w = consume(w, m)
                continue
            if m.group("trail"):
                op = trail_op(m.group("trail"), op)
            found.append((m.start(), f"{name} {op} {to_number(m.group('n'))}"))
            w = consume(w, m)
            more = self._more.match(w, m.end())
            if more and self._ages is not None and re.match(r"\W*\w+\s+(?:is|are)\b",
                                                            more.group(0)):
                more = None  # "has a BMI over 40 and is under 30": the person's age
            if more and self._numeric(name):  # "BMI over 30 but under 40": the same feature
                found.append((more.start("op"), f"{name} {op_of(more.group('op'))} "
                                                 f"{to_number(more.group('n'))}"))
                w = consume(w, more)
                if more.group("j").lower() == "or":  # "BMI below 20 or above 45"
                    w = w[:more.start()] + " or" + w[more.start() + 3:]
        for m in list(self._with_value.finditer(w)):
            name = self._feature(m.group("f"))
            if not self._numeric(name) or not (m.group("with") or m.group("trail")):
                continue  # "glucose 150" alone may be an edit or a mention, not a condition
            op = trail_op(m.group("trail"), "==") if m.group("trail") else "=="
            found.append((m.start(), f"{name} {op} {to_number(m.group('n'))}"))
            w = consume(w, m)
        for m in list(self._cond_before.finditer(w)):
            if m.group("f").lower() in self.names.verb_forms:
                continue  # "everyone under 30 asked for ...": 30 is an age, not an amount
            name = self._feature(m.group("f"))
            trail = m.group("trail") or m.group("trail2") or m.group("trail3")
            if not self._numeric(name) or (not m.group("op") and not trail
                                           and not re.search(r"\bwith\s*$", w[:m.start()])):
                continue  # "3 pregnancies" alone is no condition; "with 3 pregnancies" is
            op = op_of(m.group("op")) if m.group("op") else "=="
            if trail:
                op = trail_op(trail, op)
            found.append((m.start(), f"{name} {op} {to_number(m.group('n'))}"))
            w = consume(w, m)
        w = self._units.read(w, found)
        w = self._levels.read(w, found, out.unsaid)  # "with low job satisfaction"
        if self._ages is not None:
            w = self._ages.read(w, found)
        w = bare_bound(w, found, [n for n in out.mentioned if self._numeric(n)])
        for m in list(self._group.finditer(w)):
            said = m.group("v").lower()
            if a_word(self.names, self._name, self._people_after, w, m, said):
                continue
            found_value = self.names.value_of(said)
            if found_value is None:
                continue
            name, value = found_value
            if m.group("neg") and self.names.kind(name) == "boolean":  # "non-smokers"
                found.append((m.start(), f"{name} == {self.names.truth(name, False)}"))
            else:
                found.append((m.start(), f"{name} {'!=' if m.group('neg') else '=='} {value}"))
            w = consume(w, m)
        w = self._booleans(w, found)
        for m in list(self._none.finditer(w)):  # "with no prior crimes": zero of a count
            name = self._feature(m.group("f"))
            if self._numeric(name):
                found.append((m.start(), f"{name} == 0"))
                w = consume(w, m)
        found = sorted(found)
        out.versus = compared([cond for _, cond in found], whole)
        if not out.versus:  # "men and women over 50": either value
            found = one_of(found, {n for n in self.names.features
                                   if self.names.kind(n) == "categorical"})
        for i, (at, cond) in enumerate(found):
            if i:
                gap = w[found[i - 1][0]:at]
                out.joiners.append("or" if re.search(r"\bor\b", gap, re.I)
                                   and not re.search(r"\band\b", gap, re.I) else "and")
            out.conditions.append(cond)
        out.joiners = settle(out.conditions, out.joiners)
        either_one_hot(out.conditions, out.joiners, self.names.one_hot)
        return w

    def _booleans(self, w: str, found: list[tuple[int, str]]) -> str:
        """Yes/no columns named as a group: "foreign workers", "applicants with a telephone",
        "people without a guarantor", "charged with a felony", "non-smokers"."""
        if self._bool is None:
            return w
        for m in list(self._bool.finditer(w)):
            said = m.group("b")
            plural = said.lower().endswith("s") and not said.lower().endswith("ss")
            people = re.match(rf"\s+(?:{PEOPLE})\b", w[m.end():], re.I) is not None or re.search(
                r"\b(?:every|each|any)\s+$", w[:m.start()], re.I) is not None  # "every senior"
            # "own a house"
            verb = re.match(r"(?:own|rent|hav|had|with)\w*\s", said, re.I) is not None
            if not (m.group("neg") or m.group("pos") or plural or people or verb):
                continue  # a bare feature name is a mention, not a condition
            name = self._feature(said)
            value = self.names.truth(name, not m.group("neg"))
            found.append((m.start(), f"{name} == {value}"))
            w = consume(w, m)
        return w
