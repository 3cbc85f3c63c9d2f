"""The counterfactual search: a beam over edit sets, each step one batched prediction.

Every single edit (a deletion, or a substitute at one of the chosen positions) is predicted
first; the best ones per position seed edit sets that grow one word at a time, and the beam is
widened (4x) while nothing flips, within a fixed budget of predictions. Texts already predicted
are reused without counting again.

Readability: when a language model is at hand, the single edits worth keeping (those that flip,
and the best pushes per position) get an estimated cost, log(perplexity ratio) edited/original
(`fluency.FluencyLM.edit_costs`), and the cost of an edit set is taken as the sum of its edits'.
The search runs first among edit sets that stay under `limit` (log 1.5 by default: the eval's
goal for a whole counterfactual), and only when none of those flips, among all of them. Among
flips, fewer edits come first, then lower cost, then a higher probability of the target label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import ToolContext
    from .target.words import WordTokens

Edit = tuple[int, str | None]            # (word position, substitute or None = delete)
EditSet = tuple[Edit, ...]
Coster = Callable[[list[Edit]], dict[Edit, float]]

DEEP_OPTIONS = 3   # edits per word kept for later steps (the best single ones)
BEAM = 6
RETURNED = 3
RESCORED = 8       # flips re-predicted and, with a language model, scored exactly, best first
SCORED_FLIPS = 12  # single edits that flip whose fluency is estimated (best first)
SCORED_DEEP = 5    # per position, the best-pushing single edits whose fluency is estimated


def render(wt: WordTokens, edits: dict[int, str | None]) -> str:
    """The text with words deleted (with the space before them) or replaced."""
    text, pieces, last = wt.text, [], 0
    for pos in sorted(edits):
        start, end = wt.spans[pos]
        if edits[pos] is None:
            while start > last and text[start - 1].isspace():
                start -= 1
            pieces.append(text[last:start])
        else:
            pieces.append(text[last:start] + str(edits[pos]))
        last = end
    pieces.append(text[last:])
    return "".join(pieces).strip()


@dataclass
class Try:
    edits: EditSet
    text: str
    probs: Any
    score: float


@dataclass
class Search:
    """Beam search over edit sets; `wanted` None means any label but `original`."""

    ctx: ToolContext
    wt: WordTokens
    original: int
    wanted: int | None
    budget: int
    coster: Coster | None = None
    limit: float | None = None
    evaluations: int = 0
    known: dict[str, Any] = field(default_factory=dict)
    costs: dict[Edit, float] = field(default_factory=dict)

    def score(self, p: Any) -> float:
        return float(p[self.wanted]) if self.wanted is not None else 1.0 - float(p[self.original])

    def flips(self, p: Any) -> bool:
        top = int(p.argmax())
        return top != self.original and (self.wanted is None or top == self.wanted)

    def cost(self, edits: EditSet) -> float:
        """The estimated log(perplexity ratio) of an edit set (0 without a language model)."""
        return sum(self.costs.get(e, 0.0) for e in edits)

    def allowed(self, edits: EditSet, limit: float | None) -> bool:
        if limit is None or self.coster is None:
            return True
        return (all(e in self.costs and self.costs[e] <= limit for e in edits)
                and self.cost(edits) <= limit)

    def run(self, sets: list[EditSet], limit: int | None = None) -> list[Try]:
        """Predict the new edited texts in one batch (at most `limit`, within the budget)."""
        room = min(self.budget if limit is None else limit, self.budget - self.evaluations)
        todo: list[EditSet] = []
        texts: list[str] = []
        fresh: list[str] = []
        for edits in sets:
            text = render(self.wt, dict(edits))
            if not text or text == self.wt.text or text in texts:
                continue
            if text not in self.known:
                if len(fresh) >= room:
                    continue
                fresh.append(text)
            todo.append(edits)
            texts.append(text)
        if fresh:
            probs = self.ctx.probs_uncached(fresh, batch_size=64)  # checks the turn's limits
            self.known.update(zip(fresh, probs, strict=True))
            self.evaluations += len(fresh)
            self.ctx.progress(self.evaluations, self.budget, "Trying edits")
        return [Try(e, t, self.known[t], self.score(self.known[t]))
                for e, t in zip(todo, texts, strict=True)]

    def search(self, options: dict[int, list[str | None]], k: int) -> tuple[list[Try], Try | None]:
        """Among readable edit sets first (when a language model scores them), then among all;
        each phase a narrow beam first and, while nothing flips, a 4x wider one."""
        closest: Try | None = None
        for limit in ([self.limit, None] if self.coster and self.limit is not None else [None]):
            width = BEAM
            while True:
                before = self.evaluations
                found, near = self._beam(options, k, width, limit)
                if near is not None and (closest is None or near.score > closest.score):
                    closest = near
                if found or self.evaluations in (before, self.budget) or k == 1:
                    break
                width *= 4
            if found:
                return found, closest
        return [], closest

    def _fluency(self, tries: list[Try], options: dict[int, list[str | None]]) -> None:
        """Estimate the cost of the single edits worth keeping (once each)."""
        if self.coster is None:
            return
        flips = sorted((t for t in tries if self.flips(t.probs)), key=lambda t: -t.score)
        wanted = [t.edits[0] for t in flips[:SCORED_FLIPS]]
        for p in options:
            mine = sorted((t for t in tries if t.edits[0][0] == p and not self.flips(t.probs)),
                          key=lambda t: -t.score)
            wanted += [t.edits[0] for t in mine[:SCORED_DEEP]]
        todo = [e for e in dict.fromkeys(wanted) if e not in self.costs]
        if todo:
            self.costs.update(self.coster(todo))

    def _beam(self, options: dict[int, list[str | None]], k: int, width: int,
              limit: float | None) -> tuple[list[Try], Try | None]:
        tries = self.run([((p, v),) for p, vs in options.items() for v in vs])
        self._fluency(tries, options)
        tries = [t for t in tries if self.allowed(t.edits, limit)]
        found = [t for t in tries if self.flips(t.probs)]
        single = {t.edits[0]: t.score for t in tries}
        alone = {f.edits[0] for f in found}
        deep: dict[int, list[str | None]] = {}
        for p, vs in options.items():
            good = [(p, v) for v in vs if (p, v) in single and (p, v) not in alone]
            deep[p] = [v for _, v in sorted(good, key=single.__getitem__, reverse=True)]
            deep[p] = deep[p][:DEEP_OPTIONS]
        pool = sorted((t for t in tries if not self.flips(t.probs)), key=lambda t: -t.score)
        closest = pool[0] if pool else None
        for level in range(2, k + 1):
            if len(found) >= RETURNED or not pool or self.evaluations >= self.budget:
                break
            cands: dict[EditSet, float] = {}
            for b in pool[:width]:
                used = {p for p, _ in b.edits}
                for p, vs in deep.items():
                    if p in used:
                        continue
                    for v in vs:
                        edits = tuple(sorted((*b.edits, (p, v)), key=lambda e: e[0]))
                        if (edits in cands or not self.allowed(edits, limit)
                                or any(set(f.edits) <= set(edits) for f in found)):
                            continue
                        cands[edits] = b.score + single[(p, v)]
            # leave budget for the deeper levels still to come
            share = max(1, (self.budget - self.evaluations) // (k - level + 1))
            tries = self.run(sorted(cands, key=lambda e: -cands[e]), limit=share)
            found += [t for t in tries if self.flips(t.probs)]
            pool = sorted((t for t in tries if not self.flips(t.probs)), key=lambda t: -t.score)
            if pool and (closest is None or pool[0].score > closest.score):
                closest = pool[0]
        return found, closest

    def pick(self, found: list[Try]) -> list[Try]:
        """Fewest edits first, then the most readable (estimated), then the highest target
        probability; different word positions first."""
        return spread(sorted(found, key=lambda t: (len(t.edits), round(self.cost(t.edits), 3),
                                                   -t.score)))


def spread(ranked: list[Try]) -> list[Try]:
    """The ranking with edit sets at word positions not seen higher up moved first, so the
    counterfactuals shown are different ways, not one way with another word."""
    chosen: list[Try] = []
    for t in ranked:
        if {p for p, _ in t.edits} not in [{p for p, _ in c.edits} for c in chosen]:
            chosen.append(t)
    return chosen + [t for t in ranked if t not in chosen]
