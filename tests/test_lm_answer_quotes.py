"""A causal LM's answers quote its generation once and explain what it generated, not the prompt
it restated: "The best thing about rainy days is" answered with "The best thing about rainy days
is that it's ..." is said as "repeats the prompt, then says "that it's ..."", and `attribute`
and `faithfulness` explain that continuation's log-probability."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.predict import echo

PROMPT = "is the film good"


def _answering(ctx: ToolContext, prompt: str, answer: str) -> Any:
    """The tiny LM's generation for `prompt` with its answer replaced by `answer`, put where the
    tools read the generation from (the context's memo), so they explain exactly that answer."""
    lm: Any = ctx.target
    gen = lm.generate(prompt, lm.default_max_new_tokens)
    ids = lm.tokenizer(answer, add_special_tokens=False)["input_ids"] + [lm.tokenizer.eos_token_id]
    fake = replace(gen, answer_ids=ids, answer_tokens=[lm.tokenizer.decode([i]) for i in ids],
                   token_probs=[0.5] * len(ids), alternatives=[],
                   text=lm.tokenizer.decode(ids, skip_special_tokens=True).strip())
    ctx.memo(("gen", prompt, lm.default_max_new_tokens), lambda: fake)
    return fake


@pytest.mark.parametrize(("answer", "rest"), [
    ("is the film good ? the film is good .", "? the film is good ."),
    ("Is  the film GOOD, it is", ", it is"),
    ("the film is good .", None),             # does not begin with the prompt
    ("is the film good", None),               # nothing but the prompt
    ("is the film good .", None),             # nothing with a letter after it
    ("is the films good", None),              # the prompt's last word is not restated as it is
])
def test_echo_finds_only_a_restated_prompt(tiny_lm_ctx: ToolContext, answer: str,
                                           rest: str | None) -> None:
    gen = _answering(tiny_lm_ctx, PROMPT, answer)
    found = echo(gen, tiny_lm_ctx.target.tokenizer)  # type: ignore[attr-defined]
    assert (None if found is None else found[2]) == rest
    if found is not None:
        first, end, _ = found
        said = "".join(gen.answer_tokens[:first])
        assert " ".join(said.split()).lower() == PROMPT and end == len(gen.answer_ids) - 1


def test_restated_prompt_is_neither_quoted_nor_explained(tiny_lm_ctx: ToolContext) -> None:
    gen = _answering(tiny_lm_ctx, PROMPT, "is the film good ? the film is good .")
    rest = "? the film is good ."
    said = registry.get("predict").run(tiny_lm_ctx, {"text": PROMPT}).summary()
    why = registry.get("attribute").run(tiny_lm_ctx, {"text": PROMPT, "method": "occlusion"})
    trust = registry.get("faithfulness").run(tiny_lm_ctx, {"text": PROMPT,
                                                          "method": "occlusion"})
    assert why.span is not None and why.span[1] == len(gen.answer_ids) - 1
    restated = "".join(gen.answer_tokens[:why.span[0]])
    assert " ".join(restated.split()) == PROMPT  # the span starts right after the restatement
    assert why.label == trust.label == f"\"{rest}\""  # both explain the continuation
    for text in (said, why.summary(), why.summary() + " " + why.details(), trust.summary()):
        assert text.count(f"\"{rest}\"") == 1, text
        assert text.count(PROMPT) == 1, text  # the referent only
        assert gen.text not in text


def test_an_answer_is_quoted_once_with_its_figures(tiny_lm_ctx: ToolContext) -> None:
    """No restatement: the whole answer is explained, and the lead, the removal figures and the
    details name it once between them."""
    gen = _answering(tiny_lm_ctx, PROMPT, "the film is good .")
    why = registry.get("attribute").run(tiny_lm_ctx, {"text": PROMPT, "method": "occlusion"})
    assert why.span == (0, len(gen.answer_ids) - 1) and why.label == f"\"{gen.text}\""
    text = why.summary() + " " + why.details()
    assert text.count(gen.text) == 1, text
    narrowed = registry.get("attribute").run(tiny_lm_ctx, {"text": PROMPT, "span": "good",
                                                            "method": "occlusion"})
    assert narrowed.span_name is None and narrowed.label == "\"good\""
    lead = narrowed.summary()  # ("good" is also a prompt word, which the lead may name)
    assert lead.count(gen.text) == 1 and "it says \"good\"" in lead and "p(\"good\")" not in lead


@pytest.mark.integration
def test_demo_lm_why_explains_the_continuation_once(demo_lm: Any) -> None:
    """On the demo LM (greedy, so the same answers every run): the rainy-days prompt is restated
    before it is continued, the France question is answered outright."""
    from saywhy.agent.conversation import Conversation

    prompt = "The best thing about rainy days is"
    c = Conversation(target=demo_lm)
    said = c.ask(prompt)
    gen = next(r for r in said.results if r.tool == "predict")
    full = gen.generation["text"]
    assert full.startswith(prompt) and gen.continuation, full  # what this test is about
    rest = gen.continuation
    why = c.ask("why did you say that?")
    res = next(r for r in why.results if r.tool == "attribute")
    assert res.label == f"\"{rest}\"" and res.span[0] > 0
    trust = c.ask("can I trust that?")
    for answer in (said, trust):
        assert answer.text.count(rest) == 1, answer.text
        assert answer.text.count(prompt) == 1 and full not in answer.text, answer.text
    from saywhy.tools.attribute_result import _clip_quote

    quoted = _clip_quote(f"\"{rest}\"")  # the lead quotes a long continuation by its start
    assert why.text.count(quoted) == 1 and full not in why.text, why.text
    assert why.text.count(prompt) == 1, why.text
    assert len(why.text.split()) < 60 + len(prompt.split()), why.text  # besides the prompt

    question = "What is the capital of France? Answer in one word."
    answer = c.ask(f"why did you say that for \"{question}\"?")
    res = next(r for r in answer.results if r.tool == "attribute")
    assert res.span_name == "answer" and res.answer
    assert answer.text.count(res.answer) == 1, answer.text
