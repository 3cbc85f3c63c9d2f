"""The grounding check against an adversarial writer, on the real tools' results.

The real tools run on the tiny targets for many inputs; the embedded writer's answers are the
true answers; `tests/adversary.py` makes lies from them (wrong label, flipped sign or direction,
invented score, another label's probability, a swapped word, a changed accuracy or metric, a
figure taken from an offset or id, an unknown id). The check must catch >= 95 % of the lies and
flag <= 5 % of the true answers; both figures are printed with their counts (`pytest -s`).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from saywhy.agent.planner.base import ToolCall
from saywhy.agent.state import DialogueState
from saywhy.agent.writer.base import WriteRequest
from saywhy.agent.writer.embedded import EmbeddedWriter
from saywhy.agent.writer.grounding import Sources, check, sources_of
from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.registry import Result
from tests.adversary import Truth, lies
from tests.paraphrases import BY_TOOL

EDIT = [{"action": "replace", "target": "boring", "value": "gripping"}]
TEXTS = ["a witty and charming film", "the plot is dull and too long", "great acting , bad script"]
Call = tuple[str, dict[str, Any]]


def classifier_turns() -> list[list[Call]]:
    """Every tool that fits a classifier, on many inputs and in the forms answers take: free
    texts, a label asked that is not the predicted one, other methods, edits, splits, two
    calls in one turn. The answers' phrasings differ by tool, which is what the check reads."""
    turns: list[list[Call]] = []
    for i in range(12):  # ERASER figures on every other input: they cost a second each
        turns += [[("predict", {"id": i})], [("attribute", {"id": i, "faithfulness": i % 2 == 0})]]
    for text in TEXTS:
        turns += [[("predict", {"text": text})], [("attribute", {"text": text, "k": 3})]]
    for i in (1, 4, 7, 10):
        turns.append([("predict", {"id": i}), ("attribute", {"id": i, "k": 4})])
        turns.append([("attribute", {"id": i, "label": "negative"})])
    for i, method in enumerate(("lime", "gradient_x_input")):
        turns.append([("attribute", {"id": 2 + i, "method": method})])
    turns += [[("faithfulness", {"id": i})] for i in (0, 5, 9)]
    turns += [[("counterfactual", {"id": i})] for i in (1, 3, 5, 8)]
    turns += [[("what_if", {"id": 1, "edits": EDIT})], [("what_if", {"id": 10, "edits": EDIT})],
              [("what_if", {"id": 0, "new_text": "a dull , stupid film"})],
              [("what_if", {"id": 6, "edits": [{"action": "delete", "target": "flat"}]})]]
    turns += [[("performance", {"split": s})] for s in ("test", "train", "all")]
    turns += [[("performance", {})], [("mistakes", {})], [("mistakes", {"k": 2})]]
    turns += [[("similar", {"id": i, "k": 3})] for i in (2, 6, 11)]
    turns += [[("attention", {"id": 2})], [("attention", {"id": 5, "mode": "rollout"})],
              [("layer_predictions", {"id": 2})], [("layer_predictions", {"id": 9})],
              [("global_importance", {"sample_size": 12, "k": 5})], [("keywords", {})],
              [("describe_data", {})], [("show", {"id": 4})], [("show", {"id": 7})],
              [("sample", {})], [("model_info", {})]]
    return turns


LM_TURNS: list[list[Call]] = [[("predict", {"text": "is the film good ?"})],
                              [("attribute", {"text": "is the film good ?"})],
                              [("attribute", {"text": "the acting was great", "k": 3})]]


@dataclass
class Case:
    """One true answer, the sources the LLM writer would check it against, and the oracle."""

    request: WriteRequest
    answer: str
    sources: Sources
    truth: Truth


def _cases(ctx: ToolContext, calls: list[Call], predictions: dict[int, str],
           turns: tuple[int, ...]) -> list[Case]:
    """The tools run once; the embedded writer words their results once per turn number (its
    phrasing is seeded by the turn)."""
    results: list[Result] = [registry.get(t).run(ctx, a) for t, a in calls]
    labels = list(ctx.target.labels) if ctx.target.kind == "classifier" else []
    default = next((str(getattr(r, "predicted", None) or getattr(r, "label", None))
                    for r in results if getattr(r, "id", 0) is None), None)
    truth = Truth(labels=labels, predictions=predictions, default_label=default)
    for r in results:
        truth.walk(r.to_json())
    for _, args in calls:
        truth.walk(args)
    out = []
    for turn in turns:
        request = WriteRequest(question="why?", calls=[ToolCall(tool=t, args=a) for t, a in calls],
                               results=results, state=DialogueState(), turn=turn)
        out.append(Case(request, EmbeddedWriter().write(request).text, sources_of(request), truth))
    return out


@pytest.fixture(scope="module")
def cases(tiny_classifier: Any, tiny_dataset: Any, tiny_lm: Any,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Case]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAYWHY_HOME", str(tmp_path_factory.mktemp("grounding-home")))
        ctx = ToolContext(target=tiny_classifier, data=tiny_dataset)
        labels = tiny_classifier.labels
        probs = ctx.probs([tiny_dataset.text(i) for i in tiny_dataset.ids])
        predictions = {int(i): labels[int(p.argmax())]
                       for i, p in zip(tiny_dataset.ids, probs, strict=True)}
        out = [c for calls in classifier_turns() for c in _cases(ctx, calls, predictions, (1, 2))]
        lm_ctx = ToolContext(target=tiny_lm)
        out += [c for calls in LM_TURNS for c in _cases(lm_ctx, calls, {}, (1,))]
        yield out


def test_true_answers_pass(cases: list[Case]) -> None:
    flagged = [(c.answer, str(check(c.answer, c.sources))) for c in cases
               if not check(c.answer, c.sources).ok]
    rate = len(flagged) / len(cases)
    print(f"\ntrue answers flagged: {len(flagged)} of {len(cases)} ({rate:.1%})")
    for answer, why in flagged[:5]:
        print("  ", why, "<-", answer[:160])
    assert rate <= 0.05


def test_lies_are_caught(cases: list[Case]) -> None:
    rng = random.Random(14)
    made: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    missed: list[tuple[str, str]] = []
    for case in cases:
        for kind, lie in lies(case.answer, case.truth, rng):
            made[kind] += 1
            if not check(lie, case.sources).ok:
                caught[kind] += 1
            else:
                missed.append((kind, lie))
    total, hits = sum(made.values()), sum(caught.values())
    print(f"\nlies caught: {hits} of {total} ({hits / total:.1%}) in {len(cases)} answers")
    for kind in sorted(made):
        print(f"  {kind:32} {caught[kind]:4} of {made[kind]:4}")
    for kind, lie in missed[:8]:
        print("  missed", kind, "<-", lie[:200])
    assert total >= 300 and len(made) >= 9
    assert hits / total >= 0.95


def test_llm_wording(cases: list[Case]) -> None:
    """Paraphrases an LLM might write: the true ones pass, the false ones are caught."""
    wrong, seen, tools = [], 0, set()
    for case in cases:
        calls, result = case.request.calls, case.request.results[0]
        make = BY_TOOL.get(calls[0].tool)
        if make is None or len(calls) > 1 or case.request.turn != 1 or calls[0].tool in tools:
            continue
        if calls[0].tool == "attribute" and (result.faithfulness is None or result.kind !=
                                             "classifier" or result.label != result.predicted):
            continue
        tools.add(calls[0].tool)
        for text, true in make(result):
            seen += 1
            report = check(text, case.sources)
            if report.ok != true:
                wrong.append(f"{'flagged' if true else 'passed'}: {text} ({report})")
    assert tools == set(BY_TOOL) and seen >= 40
    assert not wrong, "\n".join(wrong)
