"""The facts a result holds, each of a kind learnt from its field names and its structure.

A result's JSON (`Result.to_json()`) is walked once; every number becomes a fact of one kind:

- `prob` of a label: a table of label -> number under a probability key (`probs`,
  `probs_after`), or a probability-named number (`prob`, `confidence`, `predicted_probability`)
  in an object that names its label (`predicted`, else `label`/`top`), or, in an object whose
  `unit` is "probability", its `full`, `*value` and `without_*` figures of its `label`;
- `score` of a word: a number beside a `word`/`token` string (`words: [{word, score}]`, `top`,
  global words), with the label explained by the nearest enclosing `label` (and `contrast`,
  `opposite`) so that its sign says which way the word pushes;
- `offset`, `time`, `seed`, `id`, `length`: by field name (`start`, `end`, `position`, `span`,
  `order`, `seconds`, `seed`, `id`, `n_words`, `max_length`); they never support a score, a
  probability or an unnamed number (a length and an id support a count and an id);
- `count`: whole numbers, list lengths and label -> count tables;
- `metric`: any other number, known by its field-name tokens (`accuracy`, `comprehensiveness`).

A result's `views` are skipped: they draw the same fields again (with spans and scales).
Strings are kept for the quotes check and for reading as text facts. Predictions are facts
too: `predicted` (and `label`/`top` beside a probability, `final`, `label_before/after`) and
`gold`, with the id of the item they are about. Long plain lists of numbers (a random baseline's
twenty draws) and matrices are left out: a figure found only there is not something to cite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from .claims import Claim
from .vocabulary import Vocabulary, is_label_like, metric_tokens, singular, wordkey

OFFSET = frozenset("start end position positions offset offsets index indices span spans order "
                   "char chars".split())
TIME = frozenset("seconds time ms elapsed duration".split())
LENGTH = frozenset("len length lengths".split())
WORD_KEYS = ("word", "token", "term", "feature")
LABEL_KEYS = ("label", "predicted", "gold", "top", "final", "label_before", "label_after",
              "opposite", "contrast", "wanted", "followed")
PROBISH = re.compile(r"prob|confidence", re.I)
UNIT_PROB = re.compile(r"^(?:full|without_\w+|\w*value|before|after)$")
REFERENT = re.compile(r"(\w+)\s+#(\d+)")
SERIES = 3  # a plain list of more numbers than this is a distribution, not figures to cite


@dataclass(frozen=True)
class Scope:
    """What the enclosing objects say about the numbers inside them."""

    label: str | None = None
    other: frozenset[str] = frozenset()
    unit: str | None = None
    item: int | None = None
    keys: tuple[str, ...] = ()
    nested: bool = False  # inside a list element that is not an item of its own


def excluded(key: str) -> str | None:
    """The kind of a field that never supports a score or an unnamed figure: offset, time,
    seed, id, or a length (a length still supports a count: "its 24 words")."""
    tokens = set(re.split(r"[_\W]+", key.lower()))
    if key.lower() in ("id", "ids") or key.lower().endswith("_id"):
        return "id"
    if tokens & LENGTH or key.lower().startswith("n_words"):
        return "length"
    if tokens & OFFSET:
        return "offset"
    if tokens & TIME:
        return "time"
    return "seed" if "seed" in tokens else None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _role(key: str, nested: bool) -> str | None:
    if key.endswith("_before"):
        return "before"
    if key.endswith("_after"):
        return "after"
    return "other" if nested else None


class Walker:
    """Collects the facts, strings and vocabulary of any number of JSON-like objects."""

    def __init__(self) -> None:
        self.facts: list[Claim] = []
        self.strings: list[str] = []
        self.vocab = Vocabulary()

    def add(self, obj: Any, scope: Scope | None = None) -> None:
        scope = scope or Scope()
        if isinstance(obj, dict):
            self._dict(obj, scope)
        elif isinstance(obj, list | tuple):
            self._list(list(obj), scope)
        elif isinstance(obj, str):
            self.strings.append(obj)
        elif _number(obj):
            key = scope.keys[-1] if scope.keys else ""
            self._number(key, obj, scope, None, None)

    def _list(self, items: list[Any], scope: Scope) -> None:
        key = scope.keys[-1] if scope.keys else ""
        if items and all(_number(x) for x in items):
            kind = excluded(key)
            if kind == "id":
                for x in items:
                    self._fact(Claim("id", value=float(x), is_int=isinstance(x, int)))
            if kind is not None or len(items) > SERIES or any(isinstance(x, list) for x in items):
                return
        if items and all(isinstance(x, list) for x in items):
            return  # a matrix
        if len(items) == 2 and isinstance(items[0], str) and _number(items[1]):
            self._fact(Claim("score", value=float(items[1]), word=wordkey(items[0]),
                             key=frozenset(metric_tokens(key))))
            return
        self._fact(Claim("count", value=float(len(items)), is_int=True,
                         key=frozenset(metric_tokens(key))))
        for x in items:
            self.add(x, replace(scope, nested=True))

    def _dict(self, d: dict[str, Any], scope: Scope) -> None:
        own = d.get("id")
        own_id = own if isinstance(own, int) and not isinstance(own, bool) else None
        referent = d.get("referent")
        found = REFERENT.search(referent) if isinstance(referent, str) else None
        if found:
            self.vocab.nouns.add(singular(found.group(1)))
            own_id = int(found.group(2)) if own_id is None else own_id
        if isinstance(d.get("noun"), str):
            self.vocab.nouns.add(singular(str(d["noun"]).split()[-1]))
        self.vocab.add_labels(str(d[k]) for k in LABEL_KEYS if is_label_like(d.get(k)))
        label = d["label"] if is_label_like(d.get("label")) else scope.label
        other = frozenset(str(d[k]) for k in ("contrast", "opposite") if is_label_like(d.get(k)))
        unit = d["unit"] if isinstance(d.get("unit"), str) else scope.unit
        inner = Scope(label=label, other=other or scope.other, unit=unit,
                      item=own_id if own_id is not None else scope.item, keys=scope.keys,
                      nested=scope.nested and own_id is None)
        predicted = self._predictions(d, inner)
        word = next((str(d[k]) for k in WORD_KEYS if isinstance(d.get(k), str)), None)
        for key, value in d.items():
            if key == "views":  # a result's drawings of its own fields: nothing new, and noisy
                continue
            if _number(value):
                self._number(key, value, inner, predicted, word)
            elif isinstance(value, dict) and PROBISH.search(key) and value and \
                    all(_number(v) for v in value.values()):
                self.vocab.add_labels(value)
                for name, p in value.items():
                    self._fact(Claim("prob", value=float(p), label=name, item=inner.item,
                                     key=frozenset(metric_tokens(key)),
                                     role=_role(key, inner.nested)))
            elif "label" in key.lower() and isinstance(value, dict | list):
                self.vocab.add_labels(str(k) for k in value if is_label_like(k))
                self.add(value, replace(inner, keys=(*inner.keys, key)))
            elif isinstance(value, dict | list | tuple | str):
                self.add(value, replace(inner, keys=(*inner.keys, key)))

    def _predictions(self, d: dict[str, Any], scope: Scope) -> str | None:
        """The label this object says was predicted (facts for it, and for its gold label)."""
        has_prob = any(PROBISH.search(k) for k in d)
        keys = ["predicted"] if isinstance(d.get("predicted"), str) else \
            [k for k in ("label", "top") if has_prob and is_label_like(d.get(k))]
        keys += [k for k in ("final", "label_before", "label_after") if is_label_like(d.get(k))]
        for key in keys:
            self._fact(Claim("predicted", label=str(d[key]), item=scope.item,
                             role=_role(key, scope.nested)))
        if is_label_like(d.get("gold")):
            self._fact(Claim("gold", label=str(d["gold"]), item=scope.item))
        first = [k for k in keys if k not in ("label_before", "label_after", "final")]
        return str(d[first[0]]) if first else None

    def _number(self, key: str, value: float, scope: Scope, predicted: str | None,
                word: str | None) -> None:
        parent = next((k for k in reversed(scope.keys) if self.vocab.label(k) is None), "")
        tokens = metric_tokens(parent if self.vocab.label(key) else key)  # delta: {label: x}
        if any("random" in k.lower() for k in scope.keys):  # a random baseline's own figures
            tokens |= {"random"}
        is_int = isinstance(value, int)
        base = Claim("metric", value=float(value), key=frozenset(tokens), item=scope.item,
                     is_int=is_int, label=self.vocab.label(key) or scope.label,
                     other=frozenset(metric_tokens(parent)),
                     role="other" if scope.nested else None)
        kind = excluded(key)
        if kind is None and not is_int:
            self.vocab.metrics.update(tokens)
        if kind is not None:
            self._fact(replace(base, kind=kind))
        elif word is not None and not is_int:
            self._fact(replace(base, kind="score", word=wordkey(word), other=scope.other,
                               key=frozenset(tokens)))
        elif PROBISH.search(key) and not is_int:
            self._fact(replace(base, kind="prob", label=predicted or scope.label,
                               role=_role(key, scope.nested)))
        elif scope.unit == "probability" and UNIT_PROB.match(key) and not is_int:
            edited = key.startswith("without") or key.startswith("base")
            self._fact(replace(base, kind="prob", role="edited" if edited else
                               _role(key, scope.nested)))
        elif is_int:
            self._fact(replace(base, kind="count"))
        else:
            self._fact(base)

    def _fact(self, fact: Claim) -> None:
        self.facts.append(fact)
        if fact.kind == "score" and fact.word:
            self.vocab.scored.add(fact.word)
