"""An adversarial writer for the grounding check: seeded lies made from true answers.

Each operator edits one claim of an embedded-writer answer the way a careless or inventive LLM
would (the wrong label, a flipped sign or direction, an invented score, another label's
probability, a score given to another word, a changed metric, a figure taken from an offset or
an id, an id no result names) and keeps the edit only when an oracle that knows the turn's
results says the edited claim is false: a lie that happens to be true would measure nothing.
The oracle reads the result JSON directly (the test knows the embedded writer's phrasing); the
check under test does not.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TOL = 0.006  # a changed two-decimal figure further than this from the truth is a lie
SCORE = re.compile(r"([\"'])([^\"'\n]{1,40})\1 \(([+\-−]?)(\d+\.\d+)")
METRIC = re.compile(r"\b(accuracy|precision|recall|F1|sufficiency|comprehensiveness|Spearman|"
                    r"similarity|stability)\s+(-?\d\.\d\d)\b")
OFFSET_KEYS = {"start", "end", "position", "id", "n_words", "n_words_seen", "n_words_total",
               "size", "n", "searched", "population", "evaluations"}


@dataclass
class Truth:
    """What the oracle knows of a turn: predictions by id, words' scores, fields' values."""

    labels: list[str]
    predictions: dict[int, str]
    default_label: str | None = None
    scores: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    metrics: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ids: set[int] = field(default_factory=set)
    offsets: set[int] = field(default_factory=set)

    def walk(self, obj: Any, key: str = "") -> None:
        if isinstance(obj, dict):
            word = obj.get("word", obj.get("token"))
            for k, v in obj.items():
                if isinstance(word, str) and isinstance(v, float):
                    self.scores[word.lower()].append(v)
                self.walk(v, k)
        elif isinstance(obj, list):
            if len(obj) == 2 and isinstance(obj[0], str) and isinstance(obj[1], float):
                self.scores[obj[0].lower()].append(obj[1])
            for v in obj:
                self.walk(v, key)
        elif isinstance(obj, bool) or obj is None:
            return
        elif isinstance(obj, int | float):
            self.metrics[key.lower()].append(float(obj))
            if key == "id" and isinstance(obj, int):
                self.ids.add(obj)
            if key in OFFSET_KEYS and isinstance(obj, int) and 1 <= obj <= 99:
                self.offsets.add(obj)

    def near(self, values: list[float], x: float, signed: bool = False) -> bool:
        return any(abs((v if signed else abs(v)) - x) <= TOL for v in values)


Lie = tuple[str, str]  # (kind of lie, the answer with it)
Operator = Callable[[str, Truth, random.Random], list[Lie]]


def _edit(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _some(matches: list[re.Match[str]], rng: random.Random, n: int = 2) -> list[re.Match[str]]:
    return rng.sample(matches, min(n, len(matches)))


def flipped_sign(text: str, truth: Truth, rng: random.Random) -> list[Lie]:
    out = []
    for m in _some([m for m in SCORE.finditer(text) if m.group(3)], rng):
        value = float(m.group(4)) * (1 if m.group(3) == "+" else -1)
        if abs(value) >= 0.01 and not truth.near(truth.scores[m.group(2).lower()], -value, True):
            out.append(("flipped sign", _edit(text, m.start(3), m.end(3),
                                              "-" if m.group(3) == "+" else "+")))
    return out


def invented_score(text: str, truth: Truth, rng: random.Random) -> list[Lie]:
    out = []
    for m in _some(list(SCORE.finditer(text)), rng):
        new = round(rng.uniform(0.01, 0.99), 2)
        if not truth.near(truth.scores[m.group(2).lower()], new):
            out.append(("invented score", _edit(text, m.start(4), m.end(4), f"{new:.2f}")))
    return out


def swapped_word(text: str, truth: Truth, rng: random.Random) -> list[Lie]:
    out = []
    words = [w for w in truth.scores if w.isalpha()]
    for m in _some(list(SCORE.finditer(text)), rng):
        value = float(m.group(4))
        others = [w for w in words if w != m.group(2).lower()
                  and not truth.near(truth.scores[w], value)]
        if others:
            out.append(("swapped word", _edit(text, m.start(2), m.end(2), rng.choice(others))))
    return out


def flipped_direction(text: str, truth: Truth, rng: random.Random) -> list[Lie]:
    out = []
    heads = rf"towards ({'|'.join(map(re.escape, truth.labels))}):"
    for m in _some(list(re.finditer(heads, text)), rng):
        listed = re.split(r";|\. ", text[m.end():], maxsplit=1)[0]
        if SCORE.search(listed):
            other = rng.choice([lab for lab in truth.labels if lab != m.group(1)])
            out.append(("flipped direction", _edit(text, m.start(1), m.end(1), other)))
    return out


def _item_before(text: str, position: int) -> int | None:
    """The id a sentence at `position` is about: the last one named in its clause, else the
    first one of the answer (its referent)."""
    head = text[:position]
    clause = head[max(head.rfind(". "), head.rfind("\n"), head.rfind("; ")):]
    here = re.findall(r"#(\d+)", clause)
    first = re.findall(r"#(\d+)", head)
    return int(here[-1]) if here else int(first[0]) if first else None


def wrong_label(text: str, truth: Truth, rng: random.Random) -> list[Lie]:
    out = []
    said = rf"\b(?:predicts|says|say|predicted)\s+({'|'.join(map(re.escape, truth.labels))})\b"
    for m in _some(list(re.finditer(said, text)), rng):
        item = _item_before(text, m.start())
        actual = truth.predictions.get(item) if item is not None else truth.default_label
        negated = text[max(0, m.start() - 9):m.start()].endswith("not ")
        if actual is None or (m.group(1) == actual) == negated:
            continue  # the oracle cannot tell, or reads the sentence differently: no lie
        new = actual if negated else rng.choice([lab for lab in truth.labels if lab != actual])
        out.append(("wrong label", _edit(text, m.start(1), m.end(1), new)))
    return out


def _probabilities(text: str, truth: Truth) -> list[re.Match[str]]:
    labels = "|".join(map(re.escape, truth.labels))
    return list(re.finditer(rf"(?:\b|p\()({labels})\)?(?: with probability)? \(?(\d\.\d\d)\b",
                            text))


def other_label_probability(text: str, truth: Truth, rng: random.Random) -> list[Lie]:
    out = []
    for m in _some(_probabilities(text, truth), rng):
        p = float(m.group(2))
        if len(truth.labels) == 2 and abs(1 - 2 * p) > 2 * TOL:
            out.append(("probability of another label",
                        _edit(text, m.start(2), m.end(2), f"{1 - p:.2f}")))
    return out


def changed_metric(text: str, truth: Truth, rng: random.Random) -> list[Lie]:
    """Up to two figures of each metric named in the answer, changed."""
    out = []
    named: dict[str, list[re.Match[str]]] = defaultdict(list)
    for m in METRIC.finditer(text):
        named[m.group(1)].append(m)
    for m in [m for found in named.values() for m in _some(found, rng)]:
        value = float(m.group(2))
        new = round(min(1.0, max(0.0, abs(value) + rng.choice((-1, 1)) * rng.uniform(0.05, 0.3))),
                    2) * (1 if value >= 0 else -1)
        if not truth.near(truth.metrics[m.group(1).lower()], new, signed=True):
            kind = "changed accuracy" if m.group(1) == "accuracy" else "changed metric"
            out.append((kind, _edit(text, m.start(2), m.end(2), f"{new:.2f}")))
    return out


def number_from_offset(text: str, truth: Truth, rng: random.Random) -> list[Lie]:
    """A probability or a metric written as a percentage that is an offset, id or length."""
    out = []
    spots = [(m.start(2), m.end(2), float(m.group(2))) for m in _probabilities(text, truth)]
    spots += [(m.start(2), m.end(2), float(m.group(2))) for m in METRIC.finditer(text)]
    for start, end, value in rng.sample(spots, min(2, len(spots))):
        picks = [n for n in sorted(truth.offsets) if abs(n / 100 - abs(value)) > 2 * TOL]
        if picks:
            out.append(("number from an offset or id",
                        _edit(text, start, end, f"{rng.choice(picks)}%")))
    return out


def wrong_id(text: str, truth: Truth, rng: random.Random) -> list[Lie]:
    out = []
    top = max(truth.ids | set(truth.predictions) | {0})
    for m in _some(list(re.finditer(r"#(\d+)", text)), rng, 1):
        new = top + rng.randint(1, 30)
        out.append(("id no result names", _edit(text, m.start(1), m.end(1), str(new))))
    return out


OPERATORS: list[Operator] = [wrong_label, flipped_sign, flipped_direction, invented_score,
                             other_label_probability, swapped_word, changed_metric,
                             number_from_offset, wrong_id]


def lies(text: str, truth: Truth, rng: random.Random) -> list[Lie]:
    """Every operator's lies about one answer (each at most twice), all distinct from it."""
    return [(kind, lie) for op in OPERATORS for kind, lie in op(text, truth, rng) if lie != text]
