"""The answer writers: the embedded writer composes tools' summaries (referent first, subset and
size, varied phrasing); the LLM writer's answer survives only if the grounding check passes."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ConfigDict, Field

from saywhy.agent.llm import ChatClient
from saywhy.agent.planner.base import ToolCall
from saywhy.agent.state import DialogueState
from saywhy.agent.testing import FakeToolChatModel
from saywhy.agent.writer.base import WriteRequest, subset_phrase
from saywhy.agent.writer.embedded import EmbeddedWriter
from saywhy.agent.writer.grounding import Sources, check, numbers_in, quotes_in
from saywhy.agent.writer.llm import LLMWriter, compact
from saywhy.tools.context import Subset
from saywhy.tools.eraser import Faithfulness
from saywhy.tools.faithfulness import FaithfulnessResult
from saywhy.tools.registry import Result

PREDICT = {"tool": "predict", "referent": "review #42", "id": 42, "label": "positive",
           "probs": {"negative": 0.088, "positive": 0.912}, "seconds": 0.01,
           "summary": "For review #42, the model predicts positive with probability 0.91 "
                      "(negative 0.09) — correct, the gold label is positive."}
ATTRIBUTE = {"tool": "attribute", "referent": "review #42", "method": "shap", "label": "positive",
             "top": [{"word": "gorgeous", "score": 0.31}, {"word": "witty", "score": 0.12}],
             "summary": "For review #42 the model says positive (0.91). Words pushing towards "
                        "positive: \"gorgeous\" (+0.31), \"witty\" (+0.12); away from positive: "
                        "none. Removing the top 2 words changes p(positive) from 0.91 to 0.41; "
                        "removing 2 random words: 0.90."}
PERFORMANCE = {"tool": "performance", "accuracy": 0.8125, "n": 312,
               "summary": "Accuracy is 0.81 (253 of 312 correct)."}


class Canned(Result):
    """A result with fixed words and whatever fields a test gives it (as attributes)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    words_said: str = Field(default="", alias="summary")
    repeats: bool = Field(default=False, description="said_by any earlier result with a "
                          "faithfulness report of the same referent")

    def summary(self) -> str:
        return self.words_said

    def said_by(self, earlier: Result) -> bool:
        return self.repeats and bool(getattr(earlier, "faithfulness", None)) and \
            getattr(earlier, "referent", None) == getattr(self, "referent", None)


def request(calls: list[tuple[str, dict[str, Any]]], results: list[dict[str, Any]], *,
            state: DialogueState | None = None, turn: int = 1, **kw: Any) -> WriteRequest:
    return WriteRequest(question="why? is it 0.99 sure?",
                        calls=[ToolCall(tool=t, args=a) for t, a in calls],
                        results=[Canned(**r) for r in results], state=state or DialogueState(),
                        turn=turn, **kw)


def acting_state(n: int = 312) -> DialogueState:
    return DialogueState(subset=Subset(ids=list(range(n)),
                                       description="reviews that mention 'acting'"))


# ---- grounding -------------------------------------------------------------------------------
def test_numbers_and_quotes_are_extracted() -> None:
    text = "For review #42, p is 0.91 (91%), 1,234 items; top-5 words: 'witty', \"gorgeous film\"."
    assert numbers_in(text) == ["42", "0.91", "91%", "1,234", "5"]
    assert quotes_in(text) == ["witty", "gorgeous film"]
    assert quotes_in("the model's view of the reviews' words") == []


@pytest.mark.parametrize("answer,ok", [
    ("It predicts positive with 0.91.", True),         # 0.912 rounded
    ("It predicts positive with 0.912.", True),
    ("It predicts positive with 91%.", True),          # as a percentage
    ("It predicts positive with 0.9.", True),
    ("It predicts positive with 0.95.", False),        # not a rounding of anything
    ("Review #42 is about 'gorgeous, witty'.", True),  # punctuation and spacing folded
    ("Review #42 hinges on 'boring'.", False),         # a word no result contains
    ("Out of 312 reviews, 253 are right.", True),
    ("Out of 313 reviews, 253 are right.", False),
])
def test_grounding_check(answer: str, ok: bool) -> None:
    sources = Sources([PREDICT, {"text": "a gorgeous , witty film"}, PERFORMANCE])
    assert check(answer, sources).ok is ok


def test_grounding_report_names_the_problems() -> None:
    report = check("It is 0.77 and 'dreadful'.", [PREDICT])
    assert report.numbers == ["0.77"] and report.quotes == ["dreadful"]
    assert "0.77" in str(report) and "dreadful" in str(report)


@pytest.mark.parametrize("answer,ok", [
    ("For review #42 the model predicts positive.", True),
    ("For review #42 the model predicts negative.", False),          # the wrong label
    ("For review #42 the model does not say positive.", False),      # a denial of the right one
    ("p(negative) is 0.09 and p(positive) 0.91.", True),
    ("p(negative) is 0.91.", False),                                 # another label's probability
    ("'gorgeous' pushes it towards positive (+0.31).", True),
    ("'gorgeous' pushes it towards negative.", False),               # a flipped direction
    ("'gorgeous' (-0.31) and 'witty' (+0.12).", False),              # a flipped sign
    ("'gorgeous' (+0.12) and 'witty' (+0.31).", False),              # swapped words
    ("'witty' (+0.27).", False),                                     # an invented score
    ("Accuracy is 0.81 on 312 reviews.", True),
    ("Accuracy is 0.91 on 312 reviews.", False),                     # a changed accuracy
    ("The model is 42% sure.", False),                               # an id is no probability
    ("See review #43.", False),                                      # an item no result names
])
def test_grounding_checks_claims_against_the_values_they_name(answer: str, ok: bool) -> None:
    assert check(answer, Sources([PREDICT, ATTRIBUTE, PERFORMANCE])).ok is ok


def test_offsets_ids_and_timings_never_support_a_score() -> None:
    words = [{"word": "gorgeous", "score": 0.31, "start": 24, "end": 32}]
    sources = Sources({"referent": "review #42", "id": 42, "label": "positive", "words": words,
                       "seconds": 0.27, "seed": 17})
    assert check("'gorgeous' (+0.31)", sources).ok
    for figure in ("24%", "0.32", "0.27", "0.42", "17%"):
        assert not check(f"'gorgeous' ({figure})", sources).ok, figure
        assert not check(f"The model is {figure} sure it is positive.", sources).ok, figure


# ---- the embedded writer ---------------------------------------------------------------------
def test_referent_comes_first_and_is_not_repeated() -> None:
    req = request([("predict", {"id": 42}), ("attribute", {"id": 42})], [PREDICT, ATTRIBUTE])
    text = EmbeddedWriter().write(req).text
    assert text.split(",")[0].endswith("review #42")
    assert text.count("review #42") == 1
    assert "0.91" in text and "gorgeous" in text and "random" in text


def test_a_plain_faithfulness_check_after_attribute_is_not_said_twice() -> None:
    eraser = "ERASER for shap: removing its top words lowers p(positive) by 0.48"
    attribute = dict(ATTRIBUTE, faithfulness={"comprehensiveness": 0.48},
                     summary=ATTRIBUTE["summary"] + " " + eraser + ".")
    check = {"tool": "faithfulness", "referent": "review #42", "method": "shap",
             "label": "positive", "compare": None, "repeats": True,
             "summary": "For review #42 (explaining positive): " + eraser + "."}
    text = EmbeddedWriter().write(request([("attribute", {"id": 42}), ("faithfulness", {"id": 42})],
                                          [attribute, check])).text
    assert text.count(eraser) == 1
    versus = dict(check, compare="integrated_gradients", repeats=False,
                  summary=check["summary"] + " The two rankings agree with Spearman 0.71.")
    text = EmbeddedWriter().write(request([("attribute", {"id": 42}), ("faithfulness", {"id": 42})],
                                          [attribute, versus])).text
    assert "Spearman 0.71" in text  # a comparison adds something: it is said


def test_a_faithfulness_result_knows_when_an_attribution_said_it_already() -> None:
    figures = Faithfulness(method="shap", unit="log-odds", label="positive", contrast=None,
                           full=2.0, n_words=3, k_percents=[], tests=[])
    plain = FaithfulnessResult(referent="review #42", method="shap", label="positive",
                               eraser=figures)
    reported = Canned(referent="review #42", method="shap", label="positive",
                      faithfulness={"comprehensiveness": 0.48})
    assert plain.said_by(reported)
    assert not plain.said_by(Canned(referent="review #42", method="lime", label="positive",
                                    faithfulness={"comprehensiveness": 0.4}))
    assert not plain.said_by(Canned(referent="review #42", method="shap", label="positive"))
    versus = plain.model_copy(update={"compare": "lime"})
    assert not versus.said_by(reported)


def test_phrasing_varies_across_turns_but_is_seeded() -> None:
    writer = EmbeddedWriter(seed=3)
    texts = {writer.write(request([("predict", {"id": 42})], [PREDICT], turn=t)).text
             for t in range(12)}
    assert len(texts) > 1  # not one fixed template
    again = EmbeddedWriter(seed=3).write(request([("predict", {"id": 42})], [PREDICT], turn=5))
    assert again.text == writer.write(request([("predict", {"id": 42})], [PREDICT], turn=5)).text
    assert all("review #42" in t[:30] for t in texts)


def test_follow_up_on_the_same_focus_can_say_still() -> None:
    writer = EmbeddedWriter()
    openers = {writer.write(request([("predict", {"id": 42})], [PREDICT], turn=t,
                                    previous_focus={"id": 42})).text.split(" review")[0]
               for t in range(20)}
    assert "Still on" in openers and "Looking at" not in openers


def test_subset_and_its_size_are_named() -> None:
    text = EmbeddedWriter().write(request([("performance", {})], [PERFORMANCE],
                                          state=acting_state())).text
    assert "312 reviews that mention 'acting'" in text.split(",")[0] + text
    assert text.startswith(("Among", "Within", "Restricted"))
    whole = EmbeddedWriter().write(request([("performance", {})],
                                           [{**PERFORMANCE, "summary": "Accuracy is 0.81."}])).text
    assert "whole dataset" in whole


def test_subset_phrase_forms() -> None:
    assert subset_phrase(acting_state(1200)) == "the 1,200 reviews that mention 'acting'"
    state = DialogueState(subset=Subset(ids=[1, 2],
                                        description="all reviews except those labelled x"))
    assert subset_phrase(state) == "the 2 reviews except those labelled x"
    assert subset_phrase(DialogueState()) is None


def test_degrades_without_summary_and_reports_errors() -> None:
    text = EmbeddedWriter().write(request([("keywords", {})], [{"tool": "keywords", "k": 3}])).text
    assert "Keywords" in text and "3" in text
    text = EmbeddedWriter().write(request([("predict", {"id": 42})], [PREDICT],
                                          error="There is no item with id 999.")).text
    assert text.endswith("But there is no item with id 999.")
    filt = EmbeddedWriter().write(request([("filter", {"contains": "acting"})],
                                          [{"tool": "filter"}], state=acting_state())).text
    assert "312 reviews that mention 'acting'" in filt


# ---- the LLM writer --------------------------------------------------------------------------
def llm_writer(*replies: Any) -> tuple[LLMWriter, FakeToolChatModel]:
    fake = FakeToolChatModel().enqueue(*replies)
    return LLMWriter(ChatClient(fake, timeout=5)), fake


def test_llm_answer_used_when_grounded() -> None:
    good = "For review #42, the model is 91% sure it is positive, mostly because of 'gorgeous'."
    writer, fake = llm_writer(good)
    out = writer.write(request([("predict", {"id": 42}), ("attribute", {"id": 42})],
                               [PREDICT, ATTRIBUTE]))
    assert out.text == good and out.writer == "llm"
    payload = fake.history[0]["messages"][1].content
    assert "review #42" in payload and "draft" in payload


@pytest.mark.parametrize("reply", ["For review #42, the model is 97% sure.",
                                   "Yes, for review #42 it is 0.99 sure.",  # echoes the question
                                   "For review #42, 'stunning' is the key word.", ""])
def test_llm_answer_replaced_when_not_grounded(reply: str) -> None:
    writer, _ = llm_writer(reply)
    out = writer.write(request([("predict", {"id": 42})], [PREDICT]))
    assert out.writer.startswith("embedded") and out.text.startswith(("For", "Looking", "In"))


@pytest.mark.parametrize("reply,why", [
    ("For review #42, the model predicts negative.", "predicts negative for #42"),
    ("For review #42, 'gorgeous' pulls towards negative.", "'gorgeous' towards negative"),
    ("For review #42, 'witty' (+0.31) matters most.", "+0.31 (as the score of 'witty')"),
])
def test_llm_writer_says_why_it_fell_back(reply: str, why: str) -> None:
    writer, _ = llm_writer(reply)
    out = writer.write(request([("predict", {"id": 42}), ("attribute", {"id": 42})],
                               [PREDICT, ATTRIBUTE]))
    assert out.writer.startswith("embedded (llm answer not grounded:") and why in out.writer
    assert out.text == EmbeddedWriter().write(request(
        [("predict", {"id": 42}), ("attribute", {"id": 42})], [PREDICT, ATTRIBUTE])).text


def test_llm_writer_failure_falls_back() -> None:
    writer, _ = llm_writer(ConnectionError("down"))
    out = writer.write(request([("predict", {"id": 42})], [PREDICT]))
    assert out.writer == "embedded (llm unavailable)" and "review #42" in out.text


def test_compact_cuts_big_results() -> None:
    small = compact({"matrix": [[0.1] * 50] * 50, "words": list(range(100)), "text": "x" * 5000,
                     "nested": [[1, 2], [3, 4]]})
    assert "matrix" not in small and len(small["words"]) == 26 and len(small["text"]) < 700
    assert small["nested"] == "[2 x 2 matrix omitted]"
