"""Slots read from one clause by rules: inputs, numbers, methods, labels.

Each extractor *consumes* what it reads (replaces it by spaces in a working copy), so a number is
used once: "10 most similar reviews to item 5" gives k=10 and id=5, never id=10. Labels are only
ever names of the target's labels (synonyms such as fresh/rotten only when the target has
positive/negative); methods are only the canonical attribution methods.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..read.masking import PLACEHOLDER, to_letters

METHODS = ("shap", "integrated_gradients", "gradient_x_input", "lime", "occlusion")
_METHOD_PATTERNS = [
    (
        "gradient_x_input",
        r"(?:gradients?|grad)\s*(?:x|×|\*|times)\s*inputs?|inputs?\s*(?:x|×|\*"
        r"|times)\s*"
        r"(?:gradients?|grad)|\bgxi\b|\bg\s*x\s*i\b",
    ),
    ("integrated_gradients", r"\bintegrated[\s_-]*gradients?\b|\big\b"),
    ("shap", r"\b(?:kernel|partition|deep)?[\s-]?shap(?:ley)?(?:\s+values?)?\b"),
    ("lime", r"\blime\b"),
    ("occlusion", r"\bocclusion\b|\bleave[\s-]*one[\s-]*out\b|\bloo\b|\berasure\b"),
]
UNKNOWN_METHODS = re.compile(
    r"\b(deeplift|deep lift|lrp|layer-?wise relevance|smoothgrad"
    r"|smooth ?grad"
    r"|grad-?cam|anchors?|saliency maps?|vanilla gradients?"
    r"|guided backprop)\b",
    re.I,
)
SYNONYMS = {
    "positive": ("positive", "pos", "fresh", "favourable", "favorable", "thumbs up", "positively"),
    "negative": (
        "negative",
        "neg",
        "rotten",
        "unfavourable",
        "unfavorable",
        "thumbs down",
        "negatively",
    ),
}
FOREIGN_LABELS = re.compile(
    r"\b(neutral|mixed|sarcastic|spam|toxic|happy|sad|angry|joyful"
    r"|ironic)\b",
    re.I,
)
_ID_NOUNS = (
    r"reviews?|items?|ids?|examples?|samples?|entry|entries|rows?|instances?|numbers?"
    r"|no\.?"
    r"|data ?points?|datapoints?|docs?|documents?|texts?|snippets?|sentences?"
)
_RANGE = re.compile(
    rf"(?:\b(?:{_ID_NOUNS})\s*|\bfrom\s+)?#?(\d+)\s*(?:-|–|to|through|thru|until)\s*#?(\d+)\b"
    r"(?!\s*(?:words?|tokens?))",
    re.I,
)
_BETWEEN_IDS = re.compile(
    rf"\b(?:{_ID_NOUNS})\s+between\s+(\d+)\s+and\s+(\d+)\b(?!\s*(?:words?|tokens?))", re.I
)
_LIST = re.compile(r"(?<![\w.])#?(\d+(?:,#?\d+)+)(?![\w.])")
_ID = re.compile(rf"(?:\b(?:{_ID_NOUNS})\s*#?\s*|#\s*)(\d+)(?:'s)?\b", re.I)
_K_PATTERNS = [
    r"\btop[\s-]*(\d+)\b",
    r"\b(\d+)\s+(?:\w+\s+){0,2}?(?:words?|tokens?|features?|examples?|reviews?|mistakes?|errors?"
    r"|keywords?"
    r"|terms?|items?|neighbou?rs?|lookalikes?|ones|results?)\b",
    r"\b(?:first|only|just|give me|at most|up to|max(?:imum)?|limit(?: to)?|say)\s+(\d+)\b",
    r"\b(\d+)\s+(?:instead|only|of them|please|pls)\b",
]


def consume(work: str, m: re.Match[str]) -> str:
    return work[: m.start()] + " " * (m.end() - m.start()) + work[m.end() :]


def _lev1(a: str, b: str) -> bool:
    """True when a and b differ by at most one edit or one transposition."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


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
    foreign_label: str | None = None
    label: str | None = None
    contrast: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def has_any(self) -> bool:
        return any(
            v not in (None, [], False, {})
            for v in (
                self.id,
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


class SlotReader:
    """Rule-based reader of one clause, configured with the target's labels."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        lower = {lab.lower() for lab in self.labels}
        self.vocab: list[tuple[str, str]] = []  # (surface form, label)
        for lab in self.labels:
            self.vocab.append((lab.lower(), lab))
            if lab.lower().endswith("s") is False:
                self.vocab.append((lab.lower() + "s", lab))
        if {"positive", "negative"} <= lower:
            canon = {lab.lower(): lab for lab in self.labels}
            for name, forms in SYNONYMS.items():
                self.vocab.extend((f, canon[name]) for f in forms)
        self.vocab.sort(key=lambda x: -len(x[0]))

    # ---- numbers and inputs --------------------------------------------------------------
    def numbers(self, s: Slots, *, sample: bool = False) -> None:
        """Layer, head, page, ids, an id, k and bare numbers; a sample size when `sample`."""
        w = s.work
        for pat, attr in (
            (r"\blayer\s*#?(\d+)\b", "layer"),
            (r"\b(\d+)(?:st|nd|rd|th)\s+layer\b", "layer"),
            (r"\bhead\s*#?(\d+)\b", "head"),
            (r"\bpage\s*#?(\d+)\b", "page"),
            (
                r"\b(\d+)\s+(?:new\s+)?tokens?\s+(?:max|long)"
                r"|\bmax(?:imum)?\s+(\d+)\s+tokens\b",
                "max_new_tokens",
            ),
        ):
            m = re.search(pat, w, re.I)
            if m:
                setattr(s, attr, int(next(g for g in m.groups() if g)))
                w = consume(w, m)
        if sample:
            m = re.search(
                r"\bsampl(?:e|ing)\s+(?:of\s+)?(\d+)|\b(\d+)\s+(?:sampled|random)\b", w, re.I
            )
            if m:
                s.sample_size = int(next(g for g in m.groups() if g))
                w = consume(w, m)
        for rx in (_BETWEEN_IDS, _RANGE):
            m = rx.search(w)
            if m:
                lo, hi = sorted((int(m.group(1)), int(m.group(2))))
                s.ids = f"{lo}-{hi}"
                w = consume(w, m)
                break
        m = _LIST.search(w)
        if m and s.ids is None:
            s.ids = [int(x.lstrip("#")) for x in m.group(1).split(",")]
            w = consume(w, m)
        m = _ID.search(w)
        if m:
            s.id = int(m.group(1))
            w = consume(w, m)
        for pat in _K_PATTERNS:
            m = re.search(pat, w, re.I)
            if m:
                s.k = int(m.group(1))
                w = w[: m.start(1)] + " " * (m.end(1) - m.start(1)) + w[m.end(1) :]
                break
        for m in re.finditer(r"(?<![\w.,])\d+(?![\w.,]|\s*%)", w):
            s.bare_numbers.append(int(m.group(0)))
        w = re.sub(r"(?<![\w.,])\d+(?![\w.,])", " ", w)
        s.work = w

    # ---- methods and labels --------------------------------------------------------------
    def methods(self, s: Slots) -> None:
        w = s.work
        found: list[tuple[int, str]] = []
        for name, pat in _METHOD_PATTERNS:
            for m in re.finditer(pat, w, re.I):
                found.append((m.start(), name))
                w = consume(w, m)
        s.methods = list(dict.fromkeys(name for _, name in sorted(found)))
        unknown = UNKNOWN_METHODS.search(w)
        if unknown:
            s.unknown_method = unknown.group(1)
        s.rollout = re.search(r"\broll[\s-]?out|\brolled[\s-]?out\b", w, re.I) is not None
        s.work = w

    def find_labels(self, s: Slots) -> None:
        w = s.work
        low = w.lower()
        found: list[LabelMention] = []
        taken = [False] * len(w)
        for form, lab in self.vocab:
            for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", low):
                if not any(taken[m.start() : m.end()]):
                    found.append(LabelMention(lab, m.start(), m.end()))
                    for i in range(m.start(), m.end()):
                        taken[i] = True
        for m in re.finditer(r"[a-z]{5,}", low):  # typos: "negatve", "postive"
            if any(taken[m.start() : m.end()]):
                continue
            for lab in self.labels:
                if len(lab) >= 5 and _lev1(m.group(0), lab.lower()):
                    found.append(LabelMention(lab, m.start(), m.end()))
                    break
        s.labels = sorted(found, key=lambda x: x.start)
        if not s.labels:
            fm = FOREIGN_LABELS.search(w)
            if fm and fm.group(1).lower() not in {lab.lower() for lab in self.labels}:
                s.foreign_label = fm.group(1).lower()

    def label_roles(self, s: Slots) -> None:
        """label (and contrast) for attribute-like tools: "X rather than Y", "why not X"."""
        if not s.labels:
            return
        low = s.work.lower()
        if len(s.labels) >= 2:
            a, b = s.labels[0], s.labels[1]
            between = low[a.end : b.start]
            if a.label != b.label and re.fullmatch(
                r"\s*(?:,\s*)?(?:rather than|instead of|and not|but not|not|as opposed to|over"
                r"|vs\.?"
                r"|versus|compared to|than)\s*",
                between,
            ):
                s.label, s.contrast = a.label, b.label
                return
        if len({lm.label for lm in s.labels}) > 1:
            return  # "positive or negative", "positive vs negative": no single label meant
        s.label = s.labels[0].label

    def read(self, clause: str) -> Slots:
        """The clause with its quotes as letters and its methods read (numbers and labels next)."""
        s = Slots(work=clause)
        s.quotes_here = [int(i) for i in PLACEHOLDER.findall(clause)]
        s.work = to_letters(clause)
        self.methods(s)
        return s
