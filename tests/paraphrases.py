"""Answers worded as an LLM might word them, true and false, from a tool's real result.

The adversarial test perturbs the embedded writer's own sentences; an LLM rephrases ("the model
is 89% sure review #3 is positive", "'witty' raises p(positive) by 0.48"). These templates fill
such phrasings with the result's values (true) or with the wrong ones (false), so the check is
tested on wording it was not built from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Said = list[tuple[str, bool]]  # (answer, whether it is true)


def predict(r: Any) -> Said:
    lab, (oth,) = r.label, [k for k in r.probs if k != r.label]
    p, q, ref = r.probs[lab], r.probs[oth], f"review #{r.id}"
    return [(f"{ref.capitalize()} is classified as {lab} ({p:.0%} confidence).", True),
            (f"The model is {p:.0%} sure that {ref} is {lab}; p({oth}) is only {q:.2f}.", True),
            (f"It predicts {lab} for {ref} (p = {p:.2f}); the true label is {r.gold}.", True),
            (f"The model thinks {ref} is {lab}, with a probability of {p:.2f}.", True),
            (f"{ref.capitalize()} is classified as {oth} ({p:.0%} confidence).", False),
            (f"The model is {q:.0%} sure that {ref} is {lab}.", False),
            (f"It predicts {lab} for {ref} (p = {q:.2f}).", False),
            (f"It predicts {lab} for {ref} with a probability of {p + 0.05:.2f}.", False),
            (f"The model does not predict {lab} for {ref}.", False),
            (f"For {ref} the model says {oth}.", False),
            (f"For {ref} the model predicts neutral.", False)]


def attribute(r: Any) -> Said:
    lab, oth, removal = r.label, r.opposite, r.removal
    f = r.faithfulness.test("deletion")
    comp, rand, suff = (f.comprehensiveness, f.random.mean_comprehensiveness, f.sufficiency)
    (w1, s1), (w2, s2) = [(w["word"], w["score"]) for w in r.top[:2]]
    return [(f"The word '{w1}' pushes the prediction towards {lab} the most ({s1:+.2f}), "
             f"followed by '{w2}' ({s2:+.2f}).", True),
            (f"'{w2}' has a score of {s2:+.2f}.", True),
            (f"'{w2}' contributes {s2:+.2f} towards {lab}.", True),
            (f"Words like '{w1}' and '{w2}' drove the prediction towards {lab}.", True),
            (f"Removing '{w2}' would lower p({lab}).", True),
            (f"Removing its top words drops p({lab}) from {removal['full']:.2f} to "
             f"{removal['without_top']:.2f}.", True),
            (f"The base value is {r.base_value:.2f}.", True),
            (f"Its comprehensiveness is {comp:.2f} against {rand:.2f} for random words" + (
                "." if suff is None else f", and its sufficiency is {suff:.2f}."), True),
            (f"The word '{w1}' pushes the prediction towards {oth} ({s1:+.2f}).", False),
            (f"'{w2}' pushes away from {lab}.", False),
            (f"'{w1}' has a score of {-s1:+.2f}.", False)] + [
        (lie, False) for lie, a, b in [
            (f"'{w1}' has a score of {s2:+.2f}.", s1, s2),
            (f"'{w1}' adds {s2:.2f} to the log-odds of {lab}.", s1, s2),
            (f"The model says {lab} with {removal['without_top']:.0%} confidence.",
             removal["full"], removal["without_top"])] if abs(a - b) > 0.012] + ([] if suff is None
        else [(lie, False) for lie, a, b in [  # sufficiency: measured by "can I trust that?"
            (f"Its comprehensiveness is {suff:.2f}.", comp, suff),
            (f"Its sufficiency is {f.random.mean_sufficiency:.2f}.", suff,
             f.random.mean_sufficiency)] if abs(a - b) > 0.012])


def performance(r: Any) -> Said:
    s = r.scores[0]
    return [(f"On the held-out reviews the accuracy is {s.accuracy:.2f} ({s.correct} of {s.n} "
             "right).", True),
            (f"The model is {s.accuracy:.0%} accurate on the {s.n} held-out reviews.", True),
            (f"Held-out accuracy: {s.accuracy:.2f}, with a 95% confidence interval from "
             f"{s.ci_low:.2f} to {s.ci_high:.2f}.", True),
            (f"On the held-out reviews the accuracy is {s.accuracy + 0.1:.2f}.", False),
            (f"The model is {s.accuracy + 0.2:.0%} accurate.", False),
            (f"On the held-out reviews the accuracy is {s.ci_high:.2f}.", False)]


def what_if(r: Any) -> Said:
    before, after = r.label_before, r.label_after
    pb, pa, d = r.probs_before[before], r.probs_after[after], r.delta[before]
    return [(f"Replacing the word flips review #{r.id} from {before} to {after}: p({after}) goes "
             f"to {pa:.2f}.", True),
            (f"With the edit, the model now predicts {after} ({pa:.0%}) instead of {before} "
             f"({pb:.0%}).", True),
            (f"p({before}) changes by {d:+.2f}.", True),
            (f"Replacing the word flips review #{r.id} from {after} to {before}.", False),
            (f"p({before}) changes by {-d:+.2f}.", False),
            (f"The edit makes the model {1 - pa:.0%} sure of {after}.", False)]


def similar(r: Any) -> Said:
    n = r.items[0]
    return [(f"The most similar review to #{r.id} is #{n.id} (similarity {n.similarity:.2f}), "
             f"which the model predicts {n.predicted}.", True),
            (f"The most similar review to #{r.id} is #{n.id} (similarity "
             f"{n.similarity + 0.07:.2f}).", False),
            (f"The most similar review to #{r.id} is #{n.id + 20}.", False)]


def global_importance(r: Any) -> Said:
    first, second = r.labels[0], r.labels[1]
    w = first.towards[0]
    return [(f"Across the {r.population} reviews, '{w.word}' pushes hardest towards "
             f"{first.label} (on average {w.mean:+.2f}).", True),
            (f"'{w.word}' pushes towards {second.label} across the dataset.", False),
            (f"Across the {r.population} reviews, '{w.word}' pushes towards {first.label} by "
             f"{w.mean + 0.1:+.2f} on average.", False)]


def attention(r: Any) -> Said:
    t = r.top[0]
    return [(f"The [CLS] token pays the most attention to '{t.word}' ({t.weight:.2f}), and "
             f"{r.special_mass:.0%} goes to special tokens.", True),
            (f"The [CLS] token pays the most attention to '{t.word}' ({t.weight + 0.1:.2f}).",
             False)]


def mistakes(r: Any) -> Said:
    m, c = r.most_confident[0], r.counts[0]
    return [(f"On the held-out split the model gets {c.wrong} of {c.n} reviews wrong; the most "
             f"confident mistake is #{m.id}, predicted {m.predicted} with {m.confidence:.2f} "
             f"though it is {m.gold}.", True),
            (f"The most confident mistake is #{m.id}, predicted {m.gold} with "
             f"{m.confidence:.2f}.", False),
            (f"The most confident mistake is #{m.id}, predicted {m.predicted} with "
             f"{m.confidence - 0.2:.2f}.", False)]


BY_TOOL: dict[str, Callable[[Any], Said]] = {
    "predict": predict, "attribute": attribute, "performance": performance,
    "what_if": what_if, "similar": similar, "global_importance": global_importance,
    "attention": attention, "mistakes": mistakes}
