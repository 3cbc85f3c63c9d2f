"""The words a grounding check reads claims with, learnt from the results themselves.

No list of tools and no list of a model's labels is kept here: the labels are the values of the
results' label fields and the keys of their probability tables, the metric names are the tokens
of their numeric field names ("accuracy", "comprehensiveness", "ci_low" -> "ci", "low"), the
item nouns come from their referents ("review #42") and `noun` fields. A new tool whose result
names its fields plainly is read without any change here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

NOUNS = frozenset("review item id example row document sentence prompt entry snippet".split())
COUNTED = frozenset("word text token prediction layer head parameter label edit item review "
                    "example mistake error character split set".split())
# field-name tokens that say nothing about what a number is, or read as plain English
NOT_METRIC = frozenset("n k p value values top full with without before after target label "
                       "labels predicted prob probs probability probabilities confidence id "
                       "ids per is of a the to in on at by and or no score scores rest mean "
                       "average low high".split())
SYNONYMS = {"accurate": "accuracy", "interval": "ci", "stable": "stability", "similar":
            "similarity", "comprehensive": "comprehensiveness", "sufficient": "sufficiency"}


def fold(text: str) -> str:
    """Lower case, punctuation as spaces, single spaces: how words and quotes are compared."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def wordkey(text: str) -> str:
    """How a scored word is looked up: folded, or as it is when it is only punctuation."""
    return fold(text) or text.strip()


def singular(word: str) -> str:
    low = word.lower()
    return low[:-1] if low.endswith("s") and not low.endswith("ss") and len(low) > 3 else low


@dataclass
class Vocabulary:
    labels: dict[str, str] = field(default_factory=dict)  # folded -> as the results spell it
    nouns: set[str] = field(default_factory=lambda: set(NOUNS))
    metrics: set[str] = field(default_factory=set)
    scored: set[str] = field(default_factory=set)  # folded words that have a score

    def add_labels(self, names: Iterable[str]) -> None:
        for name in names:
            if is_label_like(name):
                self.labels.setdefault(fold(name), name)

    def label(self, text: str) -> str | None:
        return self.labels.get(fold(text)) if text else None

    def is_noun(self, word: str, single: bool = False) -> bool:
        low = word.lower()
        if single:
            return low in self.nouns
        return singular(low) in self.nouns or singular(low) in COUNTED

    def metric(self, word: str) -> frozenset[str] | None:
        """The field-name tokens a word in the text names, or None."""
        low = SYNONYMS.get(word.lower(), word.lower())
        return frozenset({low}) if low in self.metrics else None

    def is_scored(self, word: str) -> bool:
        return wordkey(word) in self.scored

    def label_pattern(self) -> str:
        """A regex alternative for any label, longest first, whole words only."""
        names = sorted(self.labels.values(), key=len, reverse=True)
        if not names:
            return r"(?!x)x"
        return r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])"

    def others(self, label: str) -> frozenset[str]:
        """The labels a score away from `label` pushes towards, when that is one label."""
        rest = [v for v in self.labels.values() if v != label]
        return frozenset(rest) if len(rest) == 1 else frozenset()


def is_label_like(value: object) -> bool:
    """A short plain name: a causal LM's quoted answer or a sentence is not a class label."""
    return (isinstance(value, str) and 0 < len(value.strip()) <= 40
            and value.strip()[0] not in "\"'“‘" and "\n" not in value and len(value.split()) <= 3)


def metric_tokens(key: str) -> set[str]:
    """The tokens of a field name that may name it in a sentence."""
    return {t for t in re.split(r"[_\W]+", key.lower()) if t and t not in NOT_METRIC
            and not t.isdigit()}
