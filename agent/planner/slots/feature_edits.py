"""What-if edits and fixed features of a table model's question, in the table's feature names.

"what if their BMI were 25 and age 40?", "set glucose to 120", "if she had 3 pregnancies",
"increase glucose by 20", "glucose 10 lower", "double the insulin", "if they were 60 years
old"; "without changing age", "keeping BMI and age fixed". Edits are `FeatureEdit`s as the
what-if tool takes them (feature, op set/increase/decrease/multiply, value); the tool checks
each value against the feature's kind and observed range.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .feature_names import AFTER, NUM_N, OWNER
from .feature_words import PEOPLE, TRAIL
from .patterns import consume

# "people with a BMI of 40 or more": a bound on the rows, not a value to set
_BOUND_AFTER = re.compile(rf"\s*(?:{'|'.join(t for t, _ in TRAIL)})", re.I)

if TYPE_CHECKING:
    from .feature_names import FeatureNames

_PCT = r"(?P<pct>\s*(?:%|percent\b))?"
_UP = (r"increas\w*|rais\w*|boost\w*|bump\w*(?:\s+up)?|add(?:ed|ing)?|went\s+up|go(?:es)?\s+up"
       r"|rose|rises?|higher|up|more")
_DOWN = (r"decreas\w*|reduc\w*|lower(?:ed|ing)?|cut(?:ting)?|drop(?:ped|s)?|subtract\w*|went\s+down"
         r"|go(?:es)?\s+down|fell|falls?|less|down|smaller|fewer|take|take\s+away|remov\w*")
_SET = (r"were|was|is|are|be|became|becomes|become|changed\s+to|changes\s+to|change\s+to|went\s+to"
        r"|goes\s+to|set\s+to|equal\s+to|equals?|==|=|of|at|to|had\s+been|reached")
_VERB = r"(?:set|change|make|put|move|bring|raise|lower|increase|decrease|reduce|drop|turn)\w*"
_MULTIPLY = {"doubl": 2, "halv": 0.5, "half": 0.5, "tripl": 3}


_GROUP_WITH = re.compile(r"with\b", re.I)
_WHOSE = re.compile(r"\b(?:whose|where)\s+(?:the\s+|their\s+|his\s+|her\s+)?$", re.I)
_SUPPOSED = re.compile(r"\b(?:were|was|had\s+been|became|become|changed|went|set|be)\b", re.I)
_GROUP_BEFORE = re.compile(rf"\b(?:{PEOPLE}|everyone|everybody|all|[a-z]+s)\s+$", re.I)


def _keep(w: str, m: re.Match[str], *groups: str) -> str:
    """`w` with the text of `groups` of `m` put back after consuming it: the rows ("of all
    patients") or the item ("applicant 1500's") named inside an edit stay for their readers."""
    for g in groups:
        if m.groupdict().get(g):
            a, b = m.span(g)
            w = w[:a] + m.string[a:b] + w[b:]
    return w


def _plain(value: str) -> Any:
    """A yes/no feature's value as the table holds it: 1 and 0 as numbers, words as words."""
    return int(value) if re.fullmatch(r"-?\d+", value) else value


def _take(w: str, m: re.Match[str], ends: list[int]) -> str:
    ends.append(m.end())
    return consume(w, m)


class EditReader:
    """Reads feature edits and fixed features for one table's features."""

    def __init__(self, names: FeatureNames) -> None:
        self.names = names
        f = rf"(?P<f>{names.pattern})"
        values = "|".join(re.escape(str(v)) for feat in names.features.values()
                          for v in feat.values if feat.kind == "categorical" and str(v).strip())
        v = rf"(?P<v>-?\d+(?:\.\d+)?|-?\.\d+|yes|no|true|false{'|' + values if values else ''})"
        by = rf"\s+by\s+(?:an?\s+)?(?:extra\s+)?{NUM_N}{_PCT}"
        rows = r"(?P<rows>\s+(?:of|for)\s+[^,.?;!]{1,40}?)?"  # "the BMI of all patients by 5"
        who = r"(?P<who>[a-z]+\s+#?\d+'s\s+)?"  # "raise applicant 1500's credit score by 50"
        # "glucose dropped by 30 and BMI by 4": a second feature changed the same way
        self._also = re.compile(rf"\s*,?\s*(?:and\s+)?{OWNER}(?P<f>{names.pattern})(?![\w-])"
                                rf"{AFTER}\s+by\s+{NUM_N}(?P<pct>\s*%|\s+percent)?", re.I)
        self.steps = [
            re.compile(rf"\b(?P<d>{_UP}|{_DOWN})\s+{who}{OWNER}{f}(?![\w-]){AFTER}{rows}{by}", re.I),
            re.compile(rf"\b(?P<d>lost|lose|loses|losing|shed|gained|gains?|gaining|put\s+on)\s+{NUM_N}"
                       rf"\s+(?:more\s+)?{OWNER}{f}(?![\w-])(?:\s+points?)?", re.I),  # "lost 4 BMI points"
            re.compile(rf"(?<![\w-]){f}\s*(?P<d>\+|-|−)\s*{NUM_N}{_PCT}(?![\w.])", re.I),  # "glucose + 10"
            re.compile(rf"(?<![\w-]){OWNER}{f}(?![\w-]){AFTER}{rows}\s+(?:(?:is|was|were|got|gets"
                       rf"|had|has|would\s+be|went|go|goes)\s+)?(?P<d>{_UP}|{_DOWN})"
                       rf"\s+(?:by\s+)?(?:an?\s+)?(?:extra\s+)?{NUM_N}{_PCT}(?![\w.])", re.I),
            re.compile(rf"(?<![\w-]){OWNER}{f}(?![\w-]){AFTER}\s+(?:(?:is|was|were)\s+)?{NUM_N}{_PCT}"
                       r"\s*(?:points?\s+|units?\s+)?(?P<d>higher|more|greater|larger|bigger|up|lower|less"
                       r"|smaller|down)\b", re.I),
            re.compile(rf"\b(?P<d>add|subtract|take)\s+{NUM_N}{_PCT}\s+(?:\w+\s+)?(?:to|from|off)\s+"
                       rf"{OWNER}{f}(?![\w-])", re.I),
            re.compile(rf"(?<![\w-]){f}(?![\w-])\s+(?P<d>minus|plus)\s+{NUM_N}{_PCT}", re.I),
            re.compile(rf"\b{NUM_N}\s+(?:\w+\s+)?(?P<d>added|subtracted|taken)\s+(?:to|from|off)\s+"
                       rf"{OWNER}{f}(?![\w-])", re.I),  # "had 10 years added to their age"
            re.compile(rf"\b(?P<d>add|adding|added|remove|removing|removed|subtract|take\s+away)"
                       rf"\s+{NUM_N}\s+(?:more\s+)?{f}(?![\w-])", re.I),  # "add 2 pregnancies"
            re.compile(rf"\b(?:had|has|have|having|with|got|get|gets|and|plus|spent|spend|spends"
                       rf"|served|serve|earned|earn|earns|paid|pay|pays|made|make|makes|took|take)"
                       rf"\s+{NUM_N}\s+(?:points?\s+"
                       rf"|units?\s+)?(?P<d>more|extra|additional|fewer|less|lower|higher)\s+{f}"
                       rf"(?![\w-])", re.I),  # "2 more prior crimes", "10 points lower blood pressure"
        ]
        self.multiply = [
            re.compile(rf"\b(?P<m>doubl\w*|halv\w*|tripl\w*|cut\s+in\s+half)\s+{OWNER}{f}(?![\w-])",
                       re.I),
            re.compile(rf"(?<![\w-]){OWNER}{f}(?![\w-])\s+(?:(?:is|was|were)\s+)?(?P<m>doubled"
                       r"|halved|tripled|cut\s+in\s+half)\b", re.I),
            re.compile(rf"\b(?P<m>half)\s+(?:as\s+much\s+|as\s+many\s+)?(?:the\s+|their\s+|its\s+)?"
                       rf"{f}(?![\w-])", re.I),  # "half the loan amount"
            re.compile(rf"\b(?P<x>{NUM_N.replace('(?P<n>', '(?:')})\s+times\s+(?:as\s+(?:much|many|high)\s+|"
                       rf"the\s+|their\s+)?{f}(?![\w-])", re.I),  # "3 times as many pregnancies"
            re.compile(rf"(?<![\w-]){f}\s*(?:x|×|\*)\s*(?P<x>\d+(?:\.\d+)?)(?![\w.])", re.I),  # "x1.5"
        ]
        self.sets = [
            re.compile(rf"\b{_VERB}\s+{who}{OWNER}{f}(?![\w-]){AFTER}\s+(?:to|=|at|into)\s*{v}", re.I),
            re.compile(rf"(?<![\w-]){OWNER}{f}(?![\w-]){AFTER}\s*(?:{_SET})"
                       rf"(?:\s+(?:also|too|still|now|instead|then))?\s*{v}(?![\w-])", re.I),
            re.compile(rf"\b(?:had|has|have|having|with|got|get)\s+(?:a\s+|an\s+)?{f}(?![\w-])"
                       rf"{AFTER}\s+(?:of\s+|at\s+|as\s+|=\s*)?{v}(?![\w-])", re.I),
            re.compile(rf"(?<![\w-]){OWNER}{f}(?![\w-]){AFTER}{rows}\s+(?:had\s+|has\s+)?(?:dropped|fell"
                       rf"|fallen|went\s+(?:down|up)|gone\s+(?:down|up)|decreased|increased|rose|risen"
                       rf"|changed|moved|jumped|climbed|went|came\s+down|reduced|raised|lowered|wiped"
                       rf"|cleared|reset|cut|set|brought\s+down|brought\s+up|down|up)\s+to"
                       rf"\s+{v}(?![\w-])", re.I),  # "her BMI dropped to 25"
            # "what if glucose 150", "and her age 50 as well?": a value right after the name
            re.compile(rf"(?<!with )(?<!whose )(?<![\w-]){OWNER}{f}(?![\w-]){AFTER}\s+{v}"
                       rf"(?![\w.-]|\s*(?:-|–|to|or|and|\+)\s*\d)", re.I),
            re.compile(rf"\b(?:had|has|have|having|with|got|get)\s+(?:[a-z]+\s+)?(?:only\s+|just\s+)?{v}\s+{f}"
                       rf"(?![\w-])", re.I),  # "had 3 pregnancies", "had spent only 20 days in jail"
        ]
        # category words: the table's values and the words people use for them ("a man")
        self.category_words = {form: fv for form, fv in names.values.items()
                               if names.kind(fv[0]) == "categorical"}
        words = "|".join(re.escape(x) for x in sorted(
            {*(str(v) for feat in names.features.values() if feat.kind == "categorical"
               for v in feat.values if str(v).strip()), *self.category_words},
            key=len, reverse=True))
        self.category = re.compile(
            rf"\b(?:make|makes|made|turn|were|was|is|be|became|become"
            rf"|(?:had|has|have|(?<=\d\s)with)(?=[^.?!]*\binstead\b)|(?:had\s+)?been\s+\w+ed\s+(?:with"
            rf"|as|for)|(?:switch\w*|mov\w*|chang\w*"
            rf"|upgrad\w*|downgrad\w*|went|go|goes|put)\s+(?:over\s+)?(?:to|on(?:to)?))\s+(?P<who>(?:[a-z]+\s+#?\d+"
            rf"|them|him|her|it|they|he|she)\s+)?(?:on\s+|in\s+)?(?:an?\s+|the\s+)?(?P<cv>{words})(?![\w-])",
            re.I) if words else None
        self.zero = re.compile(
            rf"\b(?:(?:nobody|no\s+one|none\s+of\s+them|no\s+[a-z]+)\s+(?:had|has|have)\s+any"
            rf"|(?:had|has|have|having)\s+no"
            # "applicant 1044 with no dependents": said of one row, a supposition
            rf"|(?:(?<=\d\s)|(?<=\d,\s))(?:with\s+no|without(?:\s+any)?))\s+{f}(?![\w-])", re.I)
        yes_no = names.boolean_pattern()
        self.yes_no = re.compile(
            rf"\b(?:were|was|is|are|be|became|become|had|has|have|got|get|add|adds|added|adding"
            rf"|bought|buys|buy)\s+(?P<neg>not\s+|no\s+|never\s+)?(?:an?\s+|any\s+)?(?P<b>{yes_no})(?![\w-])"
            rf"|\b(?:did|does|do)(?:\s+not|n'?t)\s+(?:have|own|get)\s+(?:an?\s+|any\s+)?(?P<b2>{yes_no})"
            rf"(?![\w-])|\b(?:gave|give|gives|giving|given)\s+(?P<to>[^,.;?!]{{0,40}}?\s+)?(?:an?\s+)"
            rf"(?P<b3>{yes_no})(?![\w-])", re.I) if yes_no else None
        self.bare = re.compile(rf"\s*(?:,|and|,\s*and|&)\s*{OWNER}{f}(?![\w-]){AFTER}\s*(?:of|to"
                               rf"|=|at|as|is|be)?\s*{v}(?![\w-])", re.I)
        age = names.age()
        self.age = age
        self.age_set = re.compile(
            rf"\b(?:were|was|is|are|be|turned|turns|aged?|at)\s+{NUM_N}\s*(?:years?|yrs?)"
            r"(?:\s+old|\s+of\s+age)?\b", re.I) if age else None
        self.age_step = re.compile(
            rf"\b{NUM_N}\s*(?:years?|yrs?)\s+(?P<d>older|younger)\b|\b(?P<d2>older|younger)\s+by\s+"
            rf"(?P<n2>\d+)\s*(?:years?|yrs?)?", re.I) if age else None

    def _name(self, said: str) -> str:
        name = self.names.name_of(said)
        assert name is not None, said
        return name

    def value_for(self, name: str, said: str) -> Any:
        """The said value as the feature takes it, or None when it cannot be one."""
        kind = self.names.kind(name)
        low = said.strip().lower()
        if re.fullmatch(r"-?\d+(?:\.\d+)?|-?\.\d+", low):
            if kind == "categorical":
                match = [x for x in self.names.features[name].values if str(x) == said.strip()]
                return match[0] if match else None
            value = float(low)
            return int(value) if value.is_integer() else value
        if kind == "numeric":
            return None
        if kind == "boolean":
            return low if low in ("yes", "no", "true", "false") else None
        match = [x for x in self.names.features[name].values if str(x).lower() == low]
        return match[0] if match else None

    def edits(self, w: str) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
        found: list[tuple[int, dict[str, Any]]] = []
        ends: list[int] = []
        for rx in self.steps:
            for m in list(rx.finditer(w)):
                name = self._name(m.group("f"))
                if self.names.kind(name) != "numeric":
                    continue
                said = m.group("d").lower()
                if said in ("lost", "lose", "loses", "losing", "shed"):
                    said = "down"
                elif said.startswith("gain") or said.startswith("put"):
                    said = "up"
                down = (said not in ("more", "extra", "additional")
                        and re.fullmatch(_DOWN, said) is not None) or said in (
                    "subtract", "subtracted", "take", "taken", "minus", "-", "−")
                amount = float(m.group("n"))
                if m.groupdict().get("pct"):
                    edit = {"feature": name, "op": "multiply",
                            "value": round(1 - amount / 100 if down else 1 + amount / 100, 6)}
                else:
                    edit = {"feature": name, "op": "decrease" if down else "increase",
                            "value": int(amount) if amount.is_integer() else amount}
                found.append((m.start(), edit))
                w = _keep(_take(w, m, ends), m, "rows", "who")
                more = self._also.match(w, m.end())
                if more and self.names.kind(self._name(more.group("f"))) == "numeric":
                    amount = float(more.group("n"))
                    value = (round(1 - amount / 100 if down else 1 + amount / 100, 6)
                             if more.group("pct") else int(amount) if amount.is_integer()
                             else amount)
                    op = "multiply" if more.group("pct") else edit["op"] if edit["op"] != (
                        "multiply") else ("decrease" if down else "increase")
                    found.append((more.start("f"), {"feature": self._name(more.group("f")),
                                                    "op": op, "value": value}))
                    w = _take(w, more, ends)
        for rx in self.multiply:
            for m in list(rx.finditer(w)):
                name = self._name(m.group("f"))
                if m.groupdict().get("x"):
                    factor: float = float(m.group("x"))
                else:
                    said = m.group("m").lower()
                    factor = next((x for k, x in _MULTIPLY.items() if k in said), 0.5)
                found.append((m.start(), {"feature": name, "op": "multiply", "value": factor}))
                w = _take(w, m, ends)
        for rx in self.sets:
            for m in list(rx.finditer(w)):
                name = self._name(m.group("f"))
                value = self.value_for(name, m.group("v"))
                if value is None or _BOUND_AFTER.match(w, m.end()) or _GROUP_WITH.match(
                        m.group(0)) and _GROUP_BEFORE.search(
                        w[:m.start()]) or (_WHOSE.search(w[:m.start()])
                                           and not _SUPPOSED.search(m.group(0))):
                    continue  # "if applicants with little savings had ...", "what were the
                    # outcomes of patients whose insulin is 0", "a BMI of 40 or more": a condition
                found.append((m.start(), {"feature": name, "op": "set", "value": value}))
                w = _keep(_take(w, m, ends), m, "who", "rows")
        for m in list(self.zero.finditer(w)):  # "if nobody had any pregnancies", "had no debt"
            name = self._name(m.group("f"))
            if self.names.kind(name) == "numeric":
                found.append((m.start(), {"feature": name, "op": "set", "value": 0}))
                w = _take(w, m, ends)
        for m in list(self.category.finditer(w)) if self.category is not None else ():
            said = re.sub(r"[\s_/-]+", " ", m.group("cv").lower())
            owners = [(n, v) for n, feat in self.names.features.items() if feat.kind == "categorical"
                      for v in feat.values if str(v).lower() == said]
            if not owners and said in self.category_words:
                owners = [self.category_words[said]]
            if re.search(r"\b(?:whose|where)\s+(?:\w+\s+){0,3}$", w[:m.start()], re.I):
                continue  # "the patients whose insulin was increased": who, not a change
            if len(owners) == 1:  # "make applicant 1404 salaried"
                found.append((m.start("cv"), {"feature": owners[0][0], "op": "set",
                                              "value": owners[0][1]}))
                w = _keep(_take(w, m, ends), m, "who")
        for m in list(self.yes_no.finditer(w)) if self.yes_no is not None else ():
            said = m.group("b") or m.group("b2") or m.group("b3")
            name = self._name(said)
            no = bool(m.group("neg") or m.group("b2") or m.group(0).lower().startswith("without")
                      or re.search(r"\b(?:nobody|no\s+one|none\s+of\s+them)\s+$", w[:m.start()],
                                   re.I))  # "what if nobody was a foreign worker?"
            found.append((m.start(), {"feature": name, "op": "set",
                                      "value": _plain(self.names.truth(name, not no))}))
            w = _keep(_take(w, m, ends), m, "to")  # "gave every salaried one a guarantor"
        if self.age is not None and self.age_set is not None and self.age_step is not None:
            for m in list(self.age_step.finditer(w)):
                n = float(m.group("n") or m.group("n2"))
                older = (m.group("d") or m.group("d2")).lower() == "older"
                found.append((m.start(), {"feature": self.age, "op": "increase" if older else
                                          "decrease", "value": int(n) if n.is_integer() else n}))
                w = _take(w, m, ends)
            if not any(e["feature"] == self.age for _, e in found):
                for m in list(self.age_set.finditer(w)):
                    n = float(m.group("n"))
                    found.append((m.start(), {"feature": self.age, "op": "set",
                                              "value": int(n) if n.is_integer() else n}))
                    w = _take(w, m, ends)
        if found and ends:  # "BMI were 25 and age 40": bare pairs after an edit
            at = max(ends)
            while (m := self.bare.match(w, at)) is not None:
                name = self._name(m.group("f"))
                value = self.value_for(name, m.group("v"))
                if value is None or any(e["feature"] == name for _, e in found):
                    break
                found.append((m.start("f"), {"feature": name, "op": "set", "value": value}))
                w = consume(w, m)
                at = m.end()
        return w, sorted(found, key=lambda x: x[0])
