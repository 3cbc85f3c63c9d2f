"""Ages said the way people say them, for a table with an age column: "older than 50", "over 60
years old", "aged 40 or over", "aged 40+", "40 or older", "men under 25", "people in their 30s",
"aged between 30 and 40", "between the ages of 30 and 40", "30-year-olds". Only the feature whose
name has the word "age" is compared, and only when there is exactly one.
"""

from __future__ import annotations

import re

N = r"-?\d+(?:\.\d+)?"


def _num(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


_MORE = re.compile(rf"\s*,?\s*(?:or|and|but)\s+(?:(?:who\s+are|are|aged)\s+)?"
                   rf"(?P<op>over|above|under|below)\s+(?:the\s+age\s+of\s+)?(?P<n>{N})(?![\w.])",
                   re.I)


class AgeReader:
    """Reads age conditions for the table's age feature `age`; `people` names groups of rows
    ("people", "patients", "women", "smokers") that "over 60" may follow, `someone` one person
    supposed ("a patient", "someone")."""

    def __init__(self, age: str, people: str, unit: str, someone: str) -> None:
        self.age = age
        gt = (r"older\s+than|over\s+the\s+age\s+of|above\s+the\s+age\s+of|aged\s+over|aged\s+above"
              r"|(?:over|above)\s+age"
              r"|past(?:\s+the\s+age\s+of)?")
        lt = (r"younger\s+than|under\s+the\s+age\s+of|below\s+the\s+age\s+of|aged\s+under"
              r"|aged\s+below|(?:under|below)\s+age")
        trail = (r"or\s+(?:older|more|over|above)(?!\s+than)|or\s+(?:younger|less|under)(?!\s+than)"
                 r"|and\s+(?:over|above|up|older)|and\s+(?:under|below|younger)|\+")
        self.patterns: list[tuple[re.Pattern[str], str]] = [
            # "young (<30) or older (50+) patients": the bound in brackets after an age word
            # "the over-50s", "under-30s"
            (re.compile(rf"\b(?P<op>over|above|under|below)(?:[\s-](?P<n>{N})'?s|-(?P<n_>{N}))\b",
                        re.I), "over"),
            # (the brackets are spaces by now)
            (re.compile(rf"\b(?:young\w*|old\w*|elderly|seniors?)\s*(?:(?P<sym><=|>=|<|>|≤|≥)"
                        rf"\s*(?P<n>{N})|(?P<n_>{N})\s*(?P<plus>\+)|(?P<n__>{N})\s*(?:-|–|to)\s*"
                        rf"(?P<hi>{N})|(?P<op>over|above|under|below)\s+(?P<n___>{N}))(?![\w.])", re.I),
             "bracket"),
            (re.compile(rf"\b(?:aged|ages?)\s+(?:between\s+|from\s+)?(?P<n>{N})\s*(?:and|to|-|–)\s*"
                        rf"(?P<hi>{N})|\bbetween\s+the\s+ages\s+of\s+(?P<n_>{N})\s*(?:and|to|-|–)\s*"
                        rf"(?P<hi_>{N})", re.I), "between"),
            # "patients between 30 and 45": ages when both are adult ages (else ids, as before)
            (re.compile(rf"\b(?:{people})\s+(?P<rng>(?:who\s+are\s+|aged\s+)?between\s+"
                        rf"(?P<n>1[5-9]|[2-9]\d)\s+and\s+(?P<hi>1[5-9]|[2-9]\d|100))\b(?!\s*%)",
                        re.I), "people between"),
            (re.compile(r"\bin\s+(?:their|his|her|there|thier)\s+(?P<n>[1-9]0)'?s\b", re.I),
             "decade"),
            (re.compile(r"\bin\s+(?:their|his|her|there|thier)\s+(?P<w>twenties|thirties|forties|fifties|sixties"
                        r"|seventies|eighties|nineties)\b", re.I), "decade"),
            (re.compile(rf"(?<!over )(?<!under )(?<!above )(?<!below )(?<!than )(?<!least )"
                        rf"(?<!most )\b(?P<n>{N})[\s-]years?[\s-]olds?\b", re.I), "=="),
            (re.compile(rf"\bnot\s+(?P<op>older|younger)\s+than\s+(?P<n>{N}){unit}", re.I), "not"),
            (re.compile(rf"\b(?:(?P<gt>{gt})|(?P<lt>{lt})|(?P<ge>aged\s+at\s+least)|(?P<eq>aged))"
                        rf"\s*(?P<n>{N}){unit}(?:\s*(?P<trail>{trail}))?", re.I), "words"),
            (re.compile(rf"\b(?P<op>over|above|under|below)\s+(?P<n>{N})\s*(?:years?|yrs?)"
                        rf"(?:\s+old|\s+of\s+age)?\b", re.I), "over"),
            (re.compile(rf"\b(?P<n>{N})\s*(?:years?|yrs?)\s+(?:old\s+)?or\s+(?P<op>older|over|more"
                        rf"|younger|less|under)\b|\b(?:(?:are|is|were|was|aged)\s+)?(?P<n_>{N})\s+or\s+"
                        rf"(?P<op_>older|younger)\b|\b(?:are|is|were|was|aged)\s+(?P<n__>{N})\s+or\s+"
                        rf"(?P<op__>over|more|under|less)\b", re.I), "or"),
            (re.compile(rf"\b(?:{people})\s+(?:(?:who|that)\s+(?:are|is)\s+|are\s+|aged\s+)?(?:either\s+)?"
                        rf"(?P<op4>over|above|under|below)\s+(?:the\s+age\s+of\s+)?(?P<n>{N})"
                        rf"(?![\w.])", re.I), "people"),
            # "if a patient is over 60": one person supposed
            (re.compile(rf"\b(?:{someone})\s+(?:(?:is|was)\s+)?(?P<op4>over|above|under|below)\s+"
                        rf"(?:the\s+age\s+of\s+)?(?P<n>{N})(?![\w.%])", re.I), "people"),
            # "with glucose over 100 who are under 25", "has a BMI over 40 and is under 30": a
            # person is over or under a bare number, a feature is not said to "be" one after "and"
            (re.compile(rf"\b(?:who|and)\s+(?:are|is|was|were)\s+(?:either\s+)?"
                        rf"(?P<op4>over|above|under|below)\s+(?:the\s+age\s+of\s+)?(?P<n>{N})"
                        rf"(?![\w.%])(?!\s*(?:%|percent))", re.I), "people"),
        ]

    def read(self, w: str, found: list[tuple[int, str]]) -> str:
        """Adds (position, condition) for each age said in `w`; returns `w` with them blanked
        (a group noun before "over 60" stays: "men over 60" is also men; the "or" of "over 65
        or under 21" stays too, to join the two)."""
        for rx, how in self.patterns:
            for m in list(rx.finditer(w)):
                if how == "people" and float(m.group("n")) > 120:
                    continue  # "the cholesterol of everyone above 240": no age
                found.append((m.start(), self._condition(m, how)))
                start = (m.start("op4") if how == "people" else m.start("rng")
                         if how == "people between" else m.start())
                w = w[:start] + " " * (m.end() - start) + w[m.end():]
                more = _MORE.match(w, m.end())
                if more:  # "over 65 or under 21": a second bound on the same age
                    # ("under 25 and over 70" means or: compare.settle joins them so)
                    found.append((more.start("op"), self._condition(more, "over")))
                    w = w[:more.start("op")] + " " * (more.end() - more.start("op")) + \
                        w[more.end():]
        return w

    def _condition(self, m: re.Match[str], how: str) -> str:
        age = self.age
        g = m.groupdict()
        if how == "bracket":
            if g["hi"]:
                lo, hi = sorted((_num(g["n__"]), _num(g["hi"])))
                return f"{age} between {lo} and {hi}"
            if g["plus"]:
                return f"{age} >= {_num(g['n_'])}"
            if g["op"]:
                return f"{age} {'>' if g['op'].lower() in ('over', 'above') else '<'} {_num(g['n___'])}"
            sym = {"≤": "<=", "≥": ">="}.get(g["sym"], g["sym"])
            return f"{age} {sym} {_num(g['n'])}"
        if how in ("between", "people between"):
            lo, hi = sorted((_num(g["n"] or g["n_"]), _num(g["hi"] or g["hi_"])))
            return f"{age} between {lo} and {hi}"
        if g.get("w"):
            decades = "twenties thirties forties fifties sixties seventies eighties nineties"
            g["n"] = str(20 + 10 * decades.split().index(g["w"].lower()))
        n = _num(g.get("n") or g.get("n_") or g["n__"])
        if how == "decade":
            return f"{age} between {n} and {int(n) + 9}"
        if how == "==":
            return f"{age} == {n}"
        if how == "not":
            return f"{age} {'<=' if g['op'].lower() == 'older' else '>='} {n}"
        if how in ("over", "people"):
            word = (g.get("op") or g.get("op4") or "").lower()
            return f"{age} {'>' if word in ('over', 'above') else '<'} {n}"
        if how == "or":
            said = (g.get("op") or g.get("op_") or g["op__"]).lower()
            more = said in ("older", "over", "more")
            return f"{age} {'>=' if more else '<='} {n}"
        op = ">" if g["gt"] else "<" if g["lt"] else ">=" if g["ge"] else "=="
        trail = (g.get("trail") or "").lower()
        if trail:
            op = "<=" if re.search(r"younger|less|under|below", trail) else ">="
        return f"{age} {op} {n}"


_THING_CMP = ((r"at\s+least|no\s+less\s+than", ">="), (r"at\s+most|no\s+more\s+than", "<="),
              (r"over|above|more\s+than|older\s+than", ">"),
              (r"under|below|less\s+than|younger\s+than|newer\s+than", "<"))
_THING_TRAIL = ((r"\+|or\s+(?:more|older|over|above)", ">="),
                (r"or\s+(?:less|younger|newer|under|below)", "<="))


def thing_ages(w: str, things: dict[str, str]) -> str:
    """"The car is at least ten years old", "vehicles that are 10 years or older", "old cars
    (10+ years)": the age of a thing, for a table with a feature named for it ("VehicleAge";
    `things` maps "car" and "vehicle" to that feature's form), written as that feature's
    comparison ("vehicle age >= 10") for the condition readers. People's ages are
    `AgeReader`'s."""
    if not things:
        return w
    nouns = "|".join(re.escape(t) for t in sorted(things, key=len, reverse=True))
    cmp = "|".join(p for p, _ in _THING_CMP)
    trail = "|".join(p for p, _ in _THING_TRAIL)
    pattern = re.compile(
        rf"\b(?P<t>{nouns})(?:e?s)?(?:\s+(?:that|which))?(?:\s+(?:is|are|was|were))?\s+"
        rf"(?:(?P<cmp>{cmp})\s+)?(?P<n>{N})\s*(?P<t1>{trail})?\s*(?:years?|yrs?)(?:\s+old)?"
        rf"(?:\s+(?P<t2>{trail}))?\b"
        # "a 5 year old car", "10+ year old vehicles"
        rf"|(?:(?P<cmp2>{cmp})\s+)?\b(?P<n2>{N})\s*(?P<t3>\+)?[\s-]*(?:years?|yrs?)[\s-]+old\s+"
        rf"(?P<t2n>{nouns})(?:e?s)?\b", re.I)

    def said(m: re.Match[str]) -> str:
        op = "=="
        for p, o in _THING_CMP:
            if (m.group("cmp") or m.group("cmp2")) and re.fullmatch(
                    p, m.group("cmp") or m.group("cmp2"), re.I):
                op = o
        for p, o in _THING_TRAIL:
            if re.fullmatch(p, (m.group("t1") or m.group("t2") or m.group("t3") or "").strip(),
                            re.I):
                op = o
        thing = (m.group("t") or m.group("t2n")).lower()
        return f"{things[thing]} {op} {m.group('n') or m.group('n2')}"

    return pattern.sub(said, w)
