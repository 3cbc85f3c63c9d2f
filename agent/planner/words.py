"""The planner's own sentences in the words of the loaded model and data.

Questions back and the help line are written once, with slots: `{item}` / `{items}` (the data's
item noun: "ticket", "review", "item"), `{id}` and `{id2}` (real ids), `{label}` and
`{other_label}` (the model's labels), `{examples}` (example questions that fit the target: no
ids without data, no labels for a causal LM). `Words.fill` puts the target's words in, so a topic
model's user never reads "review" or "positive" unless the model or the data says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_SLOT = re.compile(r"\{(item|items|Item|Items|id|id2|label|other_label|examples|input)\}")


def plural(noun: str) -> str:
    if re.search(r"(?:s|x|z|ch|sh)$", noun):
        return noun + "es"
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    return noun + "s"


@dataclass(frozen=True)
class Words:
    """What the planner calls things: the item noun, the labels, a real id."""

    item: str = "item"
    labels: Sequence[str] = field(default_factory=tuple)
    kind: str = "classifier"
    id_range: tuple[int, int] | None = None
    names: Sequence[str] = ()  # the data's ids by key, when they are names ("A-1005")

    @property
    def has_data(self) -> bool:
        return self.id_range is not None

    def ids(self) -> tuple[int, int]:
        if self.id_range is None:
            return (12, 20)
        lo, hi = self.id_range
        first = lo + min(12, hi - lo)
        return first, min(hi, first + 8)

    def shown(self, key: int) -> str:
        return self.names[key] if 0 <= key < len(self.names) else str(key)

    def examples(self) -> str:
        item, items = self.item, plural(self.item)
        first = self.shown(self.ids()[0])
        if self.kind == "causal_lm":
            asks = ['"what do you answer to \'The capital of France is\'?"', '"why?"',
                    '"which layer decides it?"']
            if self.has_data:
                asks.insert(1, f'"show {item} {first}"')
        else:
            what = f'"what do you predict for {item} {first}?"' if self.has_data else (
                "\"what do you predict for 'my text'?\"")
            asks = [what, '"why?"', '"explain it with integrated gradients"']
            if self.labels:
                asks.append(f'"what would make it {self.labels[-1]}?"')
            if self.has_data:
                asks.append(f'"how accurate are you on the {items} you got wrong?"'
                            if not self.labels else f'"how accurate are you on {items} '
                            f'labelled {self.labels[0]}?"')
        return ", ".join(asks) + ' or "what can you do?"'

    def fill(self, text: str | None) -> str | None:
        if not text or "{" not in text:
            return text
        first, second = self.ids()
        labels = list(self.labels) or ["a label"]
        values = {
            "item": self.item, "items": plural(self.item),
            "Item": self.item.capitalize(), "Items": plural(self.item).capitalize(),
            "id": self.shown(first), "id2": self.shown(second),
            "label": labels[0], "other_label": labels[-1],
            "examples": self.examples(),
            "input": "prompt" if self.kind == "causal_lm" else self.item,
        }
        return _SLOT.sub(lambda m: values[m.group(1)], text)
