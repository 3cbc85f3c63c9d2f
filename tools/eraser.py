"""Faithfulness of a word ranking, measured once for every caller (tools, answers, evals).

An explanation is worth showing only if its top words matter to the model more than chance
words do, and the figure saying so must be able to come out "no". For one input and ranking:

- ERASER (DeYoung et al., 2020) at k in {1, 5, 10, 20, 50} % of the words (at least one):
  comprehensiveness = f(x) - f(x with the top k% erased) (higher is better), sufficiency =
  f(x) - f(only the top k% kept) (lower is better), each averaged over k; f is the attribution's
  objective (p(label) for a classifier, log p(span) for a causal LM).
- Two erasures. `deletion` drops the words: the edit occlusion, shap and lime make themselves,
  so it flatters them. `replacement` writes the tokenizer's mask token ([MASK], else unknown,
  else padding) once per subword token: the text keeps its length, no method sees its own edit.
- A random distribution: `n_random` (20) seeded permutations. "beats chance" only above its
  95th percentile, else "not distinguishable from chance": a mean of a few draws cannot say no.
- NAOPC (Edin et al., 2024): AOPC = (1/n) sum_{k=1..n} [f(x) - f(x without the ranking's first
  k words)], every prefix as in the paper, normalised to (AOPC - min) / (max - min) over all
  orderings of this input's words, so texts of any length and confidence compare. The bounds
  as the paper finds them: exact up to `exact_max` words (all 2^n - 1 erased subsets in one
  batch, dynamic programming over subsets); above, its beam search (a descending beam for the
  max, an ascending one for the min, each ordering extended by every remaining word per step,
  the `beam_size` best sums kept; equal subsets are merged keeping the better sum, which only
  tightens the paper's bounds). Cost: about beam_size * n * (n + 1) texts, one batched call a
  step (~340 at beam 1 for 18 words). Beam 1 is the default: on demo-sentiment (8 SST-2
  sentences of 9-11 words, both erasures, against exact bounds) it was off by 0.8 % of the
  exact range on average (6.9 % at most); beam 2 by 0.2 % (2.3 %), beam 5 by < 0.05 % (0.4 %),
  for 1.8x and 4x the texts (an approximate bound can be passed, so NAOPC can leave 0..1 by
  as much). Bounds are memoised per input, objective and erasure: every method shares them.

All distinct ERASER and AOPC texts of an input go to the model in one batched
`obj.score(..., cached=True)` call (a memo per objective shares them across methods and with
the bounds); `ctx.check()` runs before every call, so a cancelled turn stops between batches.
The edits and that scorer are in `tools/erasure.py`, the search for the NAOPC bounds in
`tools/aopc.py`; their names are imported here, where callers have always found them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from .aopc import BEAM_SIZE, EXACT_MAX, AopcBounds, aopc_bounds
from .erasure import ERASURES, Erasure, edited_text, replacement_token, scorer
from .errors import UserError

if TYPE_CHECKING:
    from .context import InputRef, ToolContext
    from .methods import WordAttribution
    from .methods.objective import Objective

K_PERCENTS = (1, 5, 10, 20, 50)
N_RANDOM = 20
TOP_N = 3  # "removing the top 3 words changes p(label) from ... to ..."


class AtK(BaseModel):
    """ERASER figures at one k: the ranking's, and the random rankings' mean."""
    k_percent: int
    n_words: int
    comprehensiveness: float
    sufficiency: float | None
    random_comprehensiveness: float
    random_sufficiency: float | None


class RandomBaseline(BaseModel):
    """ERASER figures (averaged over k) of the seeded random rankings, one value per ranking."""
    seed: int
    comprehensiveness: list[float]
    sufficiency: list[float] | None
    mean_comprehensiveness: float
    p95_comprehensiveness: float
    mean_sufficiency: float | None
    naopc: float | None = None  # of the first random ranking: where chance lands on 0..1


class Removal(BaseModel):
    """f after erasing the top `n_words` words, and after erasing as many random words."""
    n_words: int
    without_top: float
    without_random: float


class Naopc(BaseModel):
    aopc: float
    bounds: AopcBounds
    value: float | None  # None when every ordering scores the same (upper == lower)


class ErasureTest(BaseModel):
    """One erasure's figures for one ranking, with the verdict against chance."""
    erasure: Erasure
    replacement: str | None
    comprehensiveness: float
    sufficiency: float | None
    per_k: list[AtK]
    random: RandomBaseline
    beats_chance: bool
    verdict: Literal["beats chance", "not distinguishable from chance"]
    share_of_random_below: float
    times_random: float | None = None  # comprehensiveness / the random mean, when both > 0
    removal: Removal | None  # None when measured with removal=False
    naopc: Naopc | None = None


class Faithfulness(BaseModel):
    method: str
    unit: str
    label: str
    contrast: str | None
    full: float
    n_words: int
    k_percents: list[int]
    tests: list[ErasureTest]

    def test(self, erasure: Erasure) -> ErasureTest:
        return next(t for t in self.tests if t.erasure == erasure)


def sizes(n_words: int, k_percents: Sequence[int] = K_PERCENTS) -> list[int]:
    """Words erased at each k%: rounded, at least one, at most all."""
    return [min(n_words, max(1, round(k / 100 * n_words))) for k in k_percents]


def _keep(n: int, erased: Sequence[int]) -> list[bool]:
    gone = set(erased)
    return [i not in gone for i in range(n)]


def measure(ctx: ToolContext, ref: InputRef, attribution: WordAttribution,
            erasures: Sequence[Erasure] = ERASURES, **options: Any) -> Faithfulness:
    """How faithful `attribution`'s ranking is to the objective it explained (see the module
    docstring); `options` go to `measure_ranking`."""
    from .methods import objective_of

    return measure_ranking(ctx, objective_of(ctx, ref, attribution), attribution.ranking(),
                           method=attribution.method, erasures=erasures, **options)


def measure_ranking(ctx: ToolContext, obj: Objective, ranking: Sequence[int], *,
                    method: str = "ranking", erasures: Sequence[Erasure] = ERASURES,
                    k_percents: Sequence[int] = K_PERCENTS, n_random: int = N_RANDOM,
                    seed: int | None = None, sufficiency: bool = True, naopc: bool = True,
                    removal: bool = True, beam_size: int = BEAM_SIZE,
                    exact_max: int = EXACT_MAX) -> Faithfulness:
    """ERASER, random distribution, verdict and (optionally) NAOPC of any ranking of `obj`'s
    words (most important first), under each erasure. When only the verdict is wanted,
    `sufficiency=False` skips the keep-only texts (half the model calls), `naopc=False` the
    bounds and `removal=False` the top-3 figure."""
    import numpy as np

    n = obj.n_words
    if n == 0:
        raise UserError("The input has no words, so no ranking of them can be evaluated.")
    order = [int(i) for i in ranking]
    if sorted(order) != list(range(n)):
        raise ValueError(f"The ranking must order the input's {n} words exactly once.")
    rng_seed = ctx.seed if seed is None else seed
    rng = np.random.default_rng(rng_seed)
    rankings = [order] + [rng.permutation(n).tolist() for _ in range(max(n_random, 1))]
    at_k = sizes(n, k_percents)
    cuts = [*at_k, min(TOP_N, n) if removal else at_k[-1]]  # an equal cut costs nothing
    score = scorer(ctx, obj)
    full = float(obj.value)
    texts = {e: _texts(obj, rankings, cuts, e, sufficiency, naopc) for e in erasures}
    # one batched call for every distinct text of every erasure
    score([t for parts in texts.values() for rows in parts for row in rows for t in row])
    tests = []
    for erasure, (comp_texts, suff_texts, curves) in texts.items():
        comp = full - np.array([score(row) for row in comp_texts])  # [rankings, cuts]
        suff = full - np.array([score(row) for row in suff_texts]) if sufficiency else None
        rand = comp[1:, :-1].mean(axis=1)
        rand_suff = None if suff is None else suff[1:].mean(axis=1)
        mine, p95 = float(comp[0, :-1].mean()), float(np.percentile(rand, 95))
        nao, rand_nao = None, None
        if naopc:
            bounds = aopc_bounds(ctx, obj, erasure, beam_size=beam_size, exact_max=exact_max)
            aopc, rand_aopc = (float((full - score(c)).mean()) for c in curves)
            nao = Naopc(aopc=aopc, bounds=bounds, value=_normalise(aopc, bounds))
            rand_nao = _normalise(rand_aopc, bounds)
        tests.append(ErasureTest(
            erasure=erasure, replacement=None if erasure == "deletion" else
            replacement_token(obj.target.tokenizer), comprehensiveness=mine,
            sufficiency=None if suff is None else suff[0].mean(),
            per_k=[AtK(k_percent=k, n_words=s, comprehensiveness=comp[0, j],
                       sufficiency=None if suff is None else suff[0, j],
                       random_comprehensiveness=comp[1:, j].mean(),
                       random_sufficiency=None if suff is None else suff[1:, j].mean())
                   for j, (k, s) in enumerate(zip(k_percents, cuts[:-1], strict=True))],
            random=RandomBaseline(
                seed=rng_seed, comprehensiveness=rand.tolist(), mean_comprehensiveness=rand.mean(),
                sufficiency=None if rand_suff is None else rand_suff.tolist(),
                p95_comprehensiveness=p95, naopc=rand_nao,
                mean_sufficiency=None if rand_suff is None else rand_suff.mean()),
            beats_chance=mine > p95,
            verdict="beats chance" if mine > p95 else "not distinguishable from chance",
            share_of_random_below=(rand < mine).mean(), naopc=nao,
            times_random=mine / rand.mean() if mine > 0 and rand.mean() > 1e-9 else None,
            removal=Removal(n_words=cuts[-1], without_top=full - comp[0, -1],
                            without_random=full - comp[1:, -1].mean()) if removal else None))
    return Faithfulness(method=method, unit=obj.unit, label=obj.label_name,
                        contrast=obj.contrast_name, full=full, n_words=n,
                        k_percents=list(k_percents), tests=tests)


def _texts(obj: Objective, rankings: list[list[int]], cuts: list[int], erasure: Erasure,
           sufficiency: bool, curves: bool) -> tuple[list[list[str]], ...]:
    """Per ranking: the texts without its top words at each cut (the last cut is TOP_N), with
    only them (k% cuts), and (method and first random ranking) without each prefix."""
    n = obj.n_words
    without = [[edited_text(obj, _keep(n, r[:s]), erasure) for s in cuts] for r in rankings]
    only = [[edited_text(obj, [not k for k in _keep(n, r[:s])], erasure) for s in cuts[:-1]]
            for r in rankings] if sufficiency else []
    prefixes = [[edited_text(obj, _keep(n, r[:s]), erasure) for s in range(1, n + 1)]
                for r in rankings[:2]] if curves else []
    return without, only, prefixes


def _normalise(aopc: float, bounds: AopcBounds) -> float | None:
    span = bounds.upper - bounds.lower
    return None if span <= 1e-12 else (aopc - bounds.lower) / span
