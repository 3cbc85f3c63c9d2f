"""Grounding check: every claim of an LLM-written answer must be backed by a result value of the
kind it names (or by the call arguments, or by what the dialogue already said).

Matching bare numbers cannot fail where it matters: a result holds offsets, ids, lengths and
dozens of per-k figures, so an invented score usually equals one of them, and a wrong label or a
flipped direction has no number at all. So the answer is read as claims (`claims.py`,
`statements.py`) and each is matched only against facts of its kind (`facts.py`), within
rounding (0.912 may be written 0.91, +0.91 or 91%):

- p(label) against that label's probabilities; a change of p(label) against differences of
  them and against the figures of an object explaining that label;
- a word's score against that word's scores (a written sign must agree);
- a named metric ("accuracy 0.81", "sufficiency -0.23") against fields of that name;
- a count against whole numbers and list lengths; an id against id fields and referents;
- a number of unknown referent against any number that is not an offset, id, seed or time;
- "predicts X" (or "not X", "flips to X") against the predictions of the item it is about;
- "'w' pushes towards X" against the sign of w's score for the label it explains.

The tools' own sentences (`summary`, earlier answers) are read the same way and their claims
count as facts, so a figure a tool derives in words is supported in the same context only.
Quoted words must appear, folded, in some string of the sources.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .claims import Claim
from .facts import Walker
from .statements import read
from .vocabulary import fold

if TYPE_CHECKING:
    from .base import WriteRequest

NUMBER = re.compile(r"(?<![\w.])[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?(?![\w])")
QUOTE = re.compile(r"\"([^\"\n]{1,300})\"|“([^”\n]{1,300})”|‘([^’\n]{1,300})’"
                   r"|(?<![\w'])'([^'\n]{1,120})'(?![\w])")
NUMBERS = frozenset({"prob", "change", "score", "metric", "count", "id", "value"})
NOW = frozenset({None, "now", "before"})  # what a model "says" is the input's own probability
NEVER_SUPPORT = frozenset({"offset", "time", "seed", "id", "length", "predicted", "gold",
                           "direction"})


@dataclass
class GroundingReport:
    numbers: list[str] = field(default_factory=list)  # number tokens no fact of their kind backs
    quotes: list[str] = field(default_factory=list)  # quoted words found in no result
    claims: list[str] = field(default_factory=list)  # labels and directions the results deny
    details: list[str] = field(default_factory=list)  # each unsupported number, with its kind

    @property
    def ok(self) -> bool:
        return not self.numbers and not self.quotes and not self.claims

    def __str__(self) -> str:
        if self.ok:
            return "grounded"
        parts = []
        if self.numbers:
            parts.append("unsupported numbers " + ", ".join(self.details or self.numbers))
        if self.quotes:
            parts.append("unsupported quotes " + ", ".join(repr(q) for q in self.quotes))
        if self.claims:
            parts.append("unsupported claims " + ", ".join(self.claims))
        return "; ".join(parts)


def numbers_in(text: str) -> list[str]:
    return [m.group(0) for m in NUMBER.finditer(text)]


def quotes_in(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None).strip() for m in QUOTE.finditer(text)]


def close(claim: Claim, fact: Claim) -> bool:
    """Whether `fact` rounds to what `claim` wrote: a percentage as a share (91% ~ 0.912) or as
    percent points (50% ~ 50); a whole number exactly (or rounded when it is 10 or more); a
    written sign must agree with the fact's, an unsigned figure may be a magnitude."""
    if fact.value is None or claim.value is None or (claim.decimals and fact.is_int):
        return False
    v = fact.value
    candidates = [(claim.value / 100, claim.decimals + 2)] if claim.percent else []
    for x, d in [*candidates, (claim.value, claim.decimals)]:
        tol = 0.5 * 10 ** (-d) + 1e-9
        if claim.signed and x * v < 0 and abs(v) > tol:
            continue
        if d == 0 and x == claim.value:
            if abs(v) == abs(x) or (abs(v) >= 10 and abs(abs(v) - abs(x)) <= tol):
                return True
        elif abs(abs(v) - abs(x)) <= tol:
            return True
    return False


class Sources:
    """What an answer may cite: results (as JSON), call arguments, earlier answers, any text.

    `labels` names the model's labels when no result does (a planner's reply before any tool ran).
    """

    def __init__(self, *objects: Any, labels: Iterable[str] = ()) -> None:
        walker = Walker()
        walker.vocab.add_labels(labels)
        for obj in objects:
            walker.add(obj)
        self.vocab = walker.vocab
        facts = list(walker.facts)
        for text in walker.strings:
            if any(c.isdigit() for c in text) or len(text.split()) > 2:
                facts += [_as_fact(c) for c in read(text, self.vocab)]
        if len(self.vocab.labels) == 2:  # p(other) = 1 - p(label)
            facts += [replace(f, value=1 - f.value, label=next(iter(self.vocab.others(f.label))))
                      for f in facts if f.kind == "prob" and f.label and f.value is not None
                      and self.vocab.others(f.label)]
        self.by_kind: dict[str, list[Claim]] = defaultdict(list)
        for f in facts:
            self.by_kind[f.kind].append(f)
        self.text = " " + fold(" ".join(walker.strings + _keys(objects))) + " "

    def supports(self, claim: Claim) -> bool:
        kind = claim.kind
        if kind in ("predicted", "gold"):
            return self._label(claim)
        if kind == "direction":
            return self._direction(claim)
        facts: Iterable[Claim]
        if kind == "id":
            facts = self.by_kind["id"]
        elif kind == "count":  # "its 24 words": a length is a count
            facts = self.by_kind["count"] + self.by_kind["length"]
        elif kind == "prob":
            roles = NOW if claim.role == "now" else None
            facts = [f for f in self.by_kind["prob"] if claim.label in (None, f.label)
                     and (roles is None or f.role in roles)]
        elif kind == "change":
            return self._change(claim)
        elif kind == "score":
            facts = [f for f in self.by_kind["score"] if f.word == claim.word]
        elif kind == "metric":
            facts = self._named(claim)
            if not claim.decimals and not claim.percent:  # "accurate on the 4 reviews"
                facts += self.by_kind["count"]
        else:
            facts = [f for k, fs in self.by_kind.items() if k not in NEVER_SUPPORT for f in fs]
        return any(close(claim, f) for f in facts)

    def supports_quote(self, quote: str) -> bool:
        folded = fold(quote)
        return not folded or f" {folded} " in self.text

    def _named(self, claim: Claim) -> list[Claim]:
        """The fields a metric word names: any field with that word in its name, except those
        a plainer field of the same name outranks ("sufficiency" is not "random_sufficiency"
        when there is a "sufficiency"; "special" is "special_mass" when nothing is plainer)."""
        found = [f for fs in self.by_kind.values() for f in fs
                 if f.key and (f.key | f.other) & claim.key]
        plain = {f.key for f in found if f.key <= claim.key}
        return [f for f in found if not any(p < f.key for p in plain)]

    def _change(self, claim: Claim) -> bool:
        """A change of p(label): the input's own probability against one after an edit, or a
        headline figure of an object about that label (an ERASER comprehensiveness, a what-if
        delta), not a per-k entry nor a random baseline unless the claim names it."""
        probs = [f for f in self.by_kind["prob"] if f.label == claim.label and f.value is not None]
        own = [f.value for f in probs if f.role in NOW and f.value is not None]
        edited = [f.value for f in probs if f.role not in NOW and f.value is not None]
        diffs = [Claim("value", value=b - a) for a in own for b in edited]
        about = [f for f in self.by_kind["metric"] if f.label == claim.label
                 and f.role != "other" and "random" not in f.key | f.other]
        return any(close(claim, f) for f in diffs + about + [
            f for f in self.by_kind["change"] if f.label == claim.label])

    def _label(self, claim: Claim) -> bool:
        facts = self.by_kind[claim.kind]
        scoped = [f for f in facts if f.item == claim.item] if claim.item is not None else []
        facts = scoped or facts
        allowed = {"after", "other"} if claim.role == "after" else {None, "before"}
        said = {f.label for f in facts if f.role in allowed and not f.negated}
        if not said:
            return claim.negated
        return (claim.label not in said) if claim.negated else (claim.label in said)

    def _direction(self, claim: Claim) -> bool:
        """A word's push towards or away from a label: the sign of its score for that label (of
        the occurrence with the score written beside it, when a word occurs twice)."""
        if any(f.word == claim.word and f.label == claim.label and f.sign == claim.sign
               and (claim.value is None or f.value is None or close(claim, f))
               for f in self.by_kind["direction"]):
            return True
        scores = [f for f in self.by_kind["score"]
                  if f.word == claim.word and f.label is not None and f.value is not None]
        written = [f for f in scores if claim.value is not None and close(claim, f)]
        for f in written or scores:
            if f.value is None or f.label is None:
                continue
            sign = (f.value > 0) - (f.value < 0)
            if f.label == claim.label:
                if sign in (0, claim.sign):
                    return True
            elif claim.label in (f.other or self.vocab.others(f.label)) and \
                    sign in (0, -claim.sign):
                return True
        return False


def _as_fact(claim: Claim) -> Claim:
    """A claim read from a source's text, as a fact: percentages as shares; a probability the
    text does not say is the model's own is not taken for it."""
    if claim.kind == "prob" and claim.role is None:
        claim = replace(claim, role="text")
    if claim.percent and claim.value is not None:
        return replace(claim, value=claim.value / 100, decimals=claim.decimals + 2,
                       percent=False)
    return claim


def _keys(objects: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for obj in objects:
        if isinstance(obj, dict):
            out += [str(k) for k in obj] + _keys(obj.values())
        elif isinstance(obj, list | tuple):
            out += _keys(obj)
    return out


def sources_of(request: WriteRequest) -> Sources:
    """What an answer to `request` may cite: each result's JSON without its views (the same
    numbers, drawn), the call arguments and the subset's phrase; not the question, so that
    "is it 97% sure?" does not let an unsupported 97% through."""
    from .base import subset_phrase

    results = [{k: v for k, v in r.to_json().items() if k != "views"} for r in request.results]
    return Sources(results, [c.args for c in request.calls], subset_phrase(request.state) or "")


def check(answer: str, sources: Sources | Iterable[Any]) -> GroundingReport:
    """Which claims and quoted words of `answer` the sources do not support."""
    src = sources if isinstance(sources, Sources) else Sources(*sources)
    report = GroundingReport()
    for claim in read(answer, src.vocab):
        if src.supports(claim):
            continue
        if claim.kind in NUMBERS:
            if claim.token not in report.numbers:
                report.numbers.append(claim.token)
                report.details.append(claim.describe())
        elif claim.text not in report.claims:
            report.claims.append(claim.text)
    for quote in dict.fromkeys(quotes_in(answer)):
        if not src.supports_quote(quote):
            report.quotes.append(quote)
    return report
