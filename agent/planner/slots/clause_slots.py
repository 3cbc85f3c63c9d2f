"""What one clause says before it becomes tool arguments: `Slots`, its labels, `FeatureSlots`.

Filled by `SlotReader` (reader.py) and `FeatureReader` (features.py), read by `clause.py`,
`criteria.py` and `edits.py`; kept in a module of its own so that those modules share the record
without importing the readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class LabelMention:
    label: str
    start: int
    end: int


@dataclass
class Slots:
    """What one clause says, before it is turned into tool arguments."""

    work: str = ""
    quotes_here: list[int] = field(default_factory=list)
    id: int | None = None
    bad_id: str | None = None  # "review -5", "item 12a": names no item
    id_problem: str | None = None  # a question back: "ticket ZZ-9" when the ids are names
    ids: list[int] | str | None = None
    bare_numbers: list[int] = field(default_factory=list)
    k: int | None = None
    layer: int | None = None
    head: int | None = None
    page: int | None = None
    sample_size: int | None = None
    max_new_tokens: int | None = None
    rollout: bool = False
    methods: list[str] = field(default_factory=list)
    unknown_method: str | None = None
    labels: list[LabelMention] = field(default_factory=list)
    label_quotes: list[int] = field(default_factory=list)  # quotes that name a label
    foreign_label: str | None = None
    label: str | None = None
    contrast: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def has_any(self) -> bool:
        return any(
            v not in (None, [], False, {})
            for v in (
                self.id,
                self.bad_id,
                self.id_problem,
                self.ids,
                self.k,
                self.layer,
                self.head,
                self.page,
                self.sample_size,
                self.rollout,
                self.methods,
                self.labels,
                self.bare_numbers,
                self.quotes_here,
                self.extra,
            )
        )


@dataclass
class FeatureSlots:
    """What a clause says about features (written in the table's own feature names)."""

    conditions: list[str] = field(default_factory=list)
    joiners: list[str] = field(default_factory=list)  # "and" / "or" between conditions
    edits: list[dict[str, Any]] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)
    mentioned: list[str] = field(default_factory=list)
    versus: bool = False  # two groups of one feature compared ("bmi above 30 vs below 30")
    unsaid: list[str] = field(default_factory=list)  # conditions the table's columns cannot say

    def where(self) -> str | None:
        if not self.conditions:
            return None
        out = self.conditions[0]
        for joiner, cond in zip(self.joiners, self.conditions[1:], strict=False):
            out += f" {joiner} {cond}"
        return out
