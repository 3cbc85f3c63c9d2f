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

from ..read.masking import LETTER, PLACEHOLDER, quote_index, to_letters
from .features import FeatureReader
from .label_words import label_vocabulary
from .names import ItemNames, read_names, unknown_question
from .patterns import (
    METHOD_PATTERNS,
    NUMBER_WORD,
    NUMBERS,
    UNKNOWN_METHODS,
    USING,
    consume,
    spaced,
    unknown_word,
)

_REF = r"(?:\s*|it|this(?: one)?|that(?: one)?|they|these|those|the (?:text|prompt|input|sentence))"
_REF2 = r"(?:\s{2,}|\s+(?:it|this(?: one)?|that(?: one)?|they|these|those)\s+)"
_X = r"(?P<x>«[A-Z]»|[A-Za-z][\w'-]*)"
_AS = (r"(?:(?:so|being|getting|considered|marked|flagged|labell?ed|tagged|classified|predicted"
       r"|called|put|routed|sent|filed)\s+)?(?:as\s+|in\s+|to\s+|under\s+)?(?:an?\s+)?")
_END = r"\s*(?:by (?:the model|it|you)|according to [\w ]+)?\s*[?.!]*\s*$"
_LABEL_SLOTS = [
    re.compile(rf"\b(?:why|how come)\s+(?:is|was|are|were|'s)\s+{_REF}\s*{_AS}{_X}{_END}", re.I),
    re.compile(rf"^\s*(?:is|was|are|were)\s+{_REF}\s*{_AS}{_X}{_END}", re.I),
    re.compile(rf"\b(?:call|label|mark|classify|tag|consider|rate|predict)(?:s|ed)?\s+{_REF2}"
               rf"(?:as\s+)?(?:an?\s+)?{_X}{_END}", re.I),
    re.compile(rf"\b(?:make|get|turn|push|flip|change|switch)\s+{_REF}\s*(?:to\s+)?(?:say|be"
               rf"|become|come out(?: as)?|into|to|towards?|as|predicted(?: as)?|classified as"
               rf"|labell?ed(?: as)?)\s+(?:an?\s+)?{_X}", re.I),
    re.compile(rf"\b(?:make|get|turn|push|flip)\s+{_REF2}(?:an?\s+)?{_X}{_END}", re.I),
    re.compile(rf"\b(?:labell?ed|marked|tagged|classified as|predicted as|categori[sz]ed as"
               rf"|filed under|routed to|towards?|push(?:es|ing)? (?:it |the model )?to)\s+"
               rf"(?:as\s+)?(?:an?\s+|the\s+)?{_X}", re.I),
]
_NOT_LABELS = set(
    """wrong right correct incorrect correctly incorrectly wrongly rightly confident so sure unsure
uncertain certain faithful reliable trustworthy robust accurate misclassified mislabelled
mislabeled ambiguous hard difficult easy similar different long short longer shorter true false
real really still not also there here the a an it this that as by in on of to what which how why
and or more less likely unlikely important predicted classified labelled labeled high low same
such like very too being getting flagged one its their changed flip flipped other opposite
something else anything otherwise another class label category categories labels prediction
predictions words word tokens token explanation explained wrong? is was be been that's it's me you
your my our we they them these those do does did at for with from about into than then now
well ok okay please pls sentiment correctly? answer output text prompt input model classifier
each every all some any none both either neither whatever bucket queue group type kind
differently instead rather otherwise first second last end start beginning work sense happen
again later now bigger smaller better worse stronger weaker make get have take give keep see
know need want go come""".split()
)
# Any noun a user may give an item: the data's own noun is added at run time (SlotReader).
ITEM_NOUNS = (
    "reviews?|items?|ids?|examples?|samples?|entry|entries|rows?|instances?|numbers?|no\\.?"
    "|data ?points?|datapoints?|docs?|documents?|texts?|snippets?|sentences?|tickets?|cases?"
    "|messages?|msgs?|records?|posts?|tweets?|e-?mails?|comments?|quer(?:y|ies)|requests?"
    "|complaints?|articles?|passages?|utterances?|observations?|lines?|reports?|notes?|inputs?"
    "|responses?|questions?|reviews?|issues?|calls?|chats?|conversations?|transcripts?"
    "|patients?|people|persons?|individuals?|customers?|clients?|applicants?"
    "|borrowers?|defendants?|users?|members?|employees?|students?|subjects?|participants?"
    "|respondents?"
)
_ID_NOUNS = ITEM_NOUNS
_RANGE = re.compile(
    rf"(?:\b(?:{_ID_NOUNS})\s*|\bfrom\s+)?#?(\d+)\s*(?:-|–|to|through|thru|until)\s*#?(\d+)\b"
    r"(?!\s*(?:words?|tokens?))",
    re.I,
)
_BETWEEN_IDS = re.compile(
    rf"\b(?:{_ID_NOUNS})\s+between\s+(\d+)\s+and\s+(\d+)\b(?!\s*(?:words?|tokens?))", re.I
)
_LIST = re.compile(r"(?<![\w.])#?(\d+(?:,#?\d+)+)(?![\w.])")
_ID = re.compile(
    rf"(?:\b(?:{_ID_NOUNS})\s*(?:#|no\.?|number|id)?\s*|#\s*)(\d+)(?:'s)?\b(?![.,]\d)"
    rf"(?!\s+(?:random\s+|more\s+|other\s+)?(?:{_ID_NOUNS}|ones|words?|tokens?)\b)",
    re.I,
)
_ORDINAL = re.compile(rf"\b(\d+)(?:st|nd|rd|th)\s+(?:(?:{_ID_NOUNS})\b|one\b)", re.I)
# "review -5", "item 12a", "#3.5": an id no item has (a question back, never another item)
_BAD_ID = re.compile(
    rf"(?:\b(?:{_ID_NOUNS})\s*#?\s*|#\s*)(-\s*\d+|\d+[.,]\d+|\d+(?!st\b|nd\b|rd\b|th\b|s\b)"
    r"[a-z_]\w*)",
    re.I,
)
_K_PATTERNS = [
    r"\btop[\s-]*(\d+)\b",
    rf"\b(\d+)\s+(?:\w+\s+){{0,2}}?(?:words?|tokens?|features?|mistakes?|errors?|keywords?"
    rf"|terms?|neighbou?rs?|lookalikes?|ones|results?|{ITEM_NOUNS})\b",
    r"\b(?:first|only|just|give me|at most|up to|max(?:imum)?|limit(?: to)?|say|make it)\s+(\d{1,2})\b",
    r"\b(\d{1,2})\s+(?:instead|only|of them|of those|of these|please|pls)\b",
]


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


class SlotReader:
    """Rule-based reader of one clause, configured with the target's labels."""

    def __init__(self, labels: Sequence[str], kind: str = "classifier",
                 item_noun: str | None = None, id_names: ItemNames | None = None,
                 features: FeatureReader | None = None) -> None:
        self.labels = list(labels)
        self.features = features  # a table model's feature reader
        self.id_names = id_names  # the data's ids when they are names, not whole numbers
        self.kind = kind
        self.vocab = label_vocabulary(self.labels)  # (surface form, label), longest first
        self._forms = [(re.compile(rf"(?<![\w-]){spaced(f)}(?![\w-])"), lab)
                       for f, lab in self.vocab]
        self.item_noun = (item_noun or "").strip().lower() or None
        self._id_noun = (
            re.compile(rf"\b{re.escape(self.item_noun)}s?\s*#?\s*(\d+)\b(?![.,]\d)", re.I)
            if self.item_noun and not re.fullmatch(ITEM_NOUNS, self.item_noun, re.I) else None
        )

    # ---- numbers and inputs --------------------------------------------------------------
    def numbers(self, s: Slots, *, sample: bool = False) -> None:
        """Layer, head, page, ids, an id, k and bare numbers; a sample size when `sample`."""
        w = s.work
        if self.id_names is not None:  # ids that are names first: no digit of theirs is a number
            nouns = ITEM_NOUNS + (f"|{re.escape(self.item_noun)}s?" if self.item_noun else "")
            w, keys, unknown = read_names(w, self.id_names, nouns)
            if unknown is not None:
                s.id_problem = unknown_question(unknown, self.id_names)
            if len(keys) == 1:
                s.id = keys[0]
            elif keys:
                s.ids = keys
        for pat, attr in (
            (r"\blayer\s*#?(\d+)\b", "layer"),
            (r"\b(\d+)(?:st|nd|rd|th)\s+layer\b", "layer"),
            (r"\bhead\s*#?(\d+)\b", "head"),
            (r"\bpage\s*#?(\d+)\b", "page"),
            (r"\b(\d+)(?:st|nd|rd|th)\s+page\b", "page"),
            (
                r"\b(\d+)\s+(?:new\s+)?tokens?\s+(?:max|long)"
                r"|\bmax(?:imum)?\s+(\d+)\s+tokens\b"
                r"|\b(?:in|within|up to|at most|for|generate|produce|write|continue for|with|give me"
                r"|only)\s+(\d+)\s+(?:new\s+|more\s+)?tokens?\b(?!\s+(?:of|in|that|which|most))",
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
        for rx in (_BETWEEN_IDS, _RANGE) if self.id_names is None else ():
            m = rx.search(w)
            if m:
                lo, hi = sorted((int(m.group(1)), int(m.group(2))))
                s.ids = f"{lo}-{hi}"
                w = consume(w, m)
                break
        m = _LIST.search(w) if self.id_names is None else None
        if m and s.ids is None:
            s.ids = [int(x.lstrip("#")) for x in m.group(1).split(",")]
            w = consume(w, m)
        m = _BAD_ID.search(w) if self.id_names is None else None
        if m and s.ids is None:
            s.bad_id = re.sub(r"\s+", "", m.group(1))
            w = consume(w, m)
        m = None if self.id_names is not None else (
            _ID.search(w) or (self._id_noun and self._id_noun.search(w)) or _ORDINAL.search(w))
        if m and s.bad_id is None:
            s.id = int(m.group(1))
            w = consume(w, m)
            more = _ID.search(w) if s.ids is None else None
            if more and int(more.group(1)) != s.id:  # "predict review 12 and review 13"
                s.ids, s.id = [s.id, int(more.group(1))], None
                w = consume(w, more)
        for pat in _K_PATTERNS:
            m = re.search(pat, w, re.I)
            if m:
                s.k = int(m.group(1))
                w = w[: m.start(1)] + " " * (m.end(1) - m.start(1)) + w[m.end(1) :]
                break
        for m in re.finditer(r"(?<![\w.,])\d+(?![\w.]|,\d|\s*%)", w):  # "flip 1811, keep ..."
            s.bare_numbers.append(int(m.group(0)))
        w = re.sub(r"(?<![\w.,])\d+(?![\w.]|,\d)", " ", w)
        s.work = w

    # ---- methods and labels --------------------------------------------------------------
    def methods(self, s: Slots) -> None:
        w = s.work
        found: list[tuple[int, str]] = []
        for name, pat in METHOD_PATTERNS:
            for m in re.finditer(pat, w, re.I):
                found.append((m.start(), name))
                w = consume(w, m)
        s.methods = list(dict.fromkeys(name for _, name in sorted(found)))
        unknown = UNKNOWN_METHODS.search(w)
        if unknown:
            s.unknown_method = unknown.group(1)
        elif not s.methods:  # "explain 77 using tcav": a method word that is no word saywhy knows
            m = USING.search(w)
            if m and unknown_word(m.group(1)):
                s.unknown_method = m.group(1)
        s.rollout = re.search(r"\broll[\s-]?out|\brolled[\s-]?out\b", w, re.I) is not None
        s.work = w

    def find_labels(self, s: Slots, quotes: Sequence[str] = ()) -> None:
        """The target's labels the clause names (any spelling of a multi-word label, a quoted
        label, a one-letter typo), or the word it uses as a label the target does not have."""
        w = s.work
        low = w.lower()
        found: list[LabelMention] = []
        taken = [False] * len(w)
        for rx, lab in self._forms:
            for m in rx.finditer(low):
                if re.match(r"\s+(?:model|classifier|predictor|detector|detection)\b",
                            low[m.end():]):  # "the diabetes model": what the model is for
                    for i in range(m.start(), m.end()):  # (nor a typo of a label below)
                        taken[i] = True
                    continue
                if not any(taken[m.start() : m.end()]):
                    found.append(LabelMention(lab, m.start(), m.end()))
                    for i in range(m.start(), m.end()):
                        taken[i] = True
        for m in LETTER.finditer(w):  # a quoted label: "make it say 'billing'"
            qi = ord(m.group(1)) - 65
            said = quotes[qi] if qi < len(quotes) else ""
            lab = self.label_of(said)
            if lab is not None and self.kind in ("classifier", "tabular"):
                found.append(LabelMention(lab, m.start(), m.end()))
                s.label_quotes.append(qi)
        for m in re.finditer(r"[a-z]{5,}", low):  # typos: "negatve", "postive"
            if any(taken[m.start() : m.end()]):
                continue
            for lab in self.labels:
                if len(lab) >= 5 and " " not in lab and _lev1(m.group(0), lab.lower()):
                    found.append(LabelMention(lab, m.start(), m.end()))
                    break
        s.labels = sorted(found, key=lambda x: x.start)
        if not s.labels and self.kind in ("classifier", "tabular") and self.labels:
            s.foreign_label = self.foreign(w, quotes)

    def label_of(self, said: str) -> str | None:
        """The label a whole (quoted) string names, if it names one."""
        said = said.strip().lower()
        return next((lab for rx, lab in self._forms if rx.fullmatch(said)), None)

    def foreign(self, w: str, quotes: Sequence[str]) -> str | None:
        """A word standing where a label goes ("why is ticket 3 sports?", "labelled banana",
        "make it say 'shipping'") that is no label of the target."""
        for rx in _LABEL_SLOTS:
            for m in rx.finditer(w):
                word = m.group("x")
                qi = quote_index(word)
                if qi is not None:
                    if qi >= len(quotes) or len(quotes[qi].split()) > 3:
                        continue
                    word = quotes[qi]
                word = word.strip().lower()
                if word and word not in _NOT_LABELS and not re.search(r"\d", word):
                    return word
        return None

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
        s.work = NUMBER_WORD.sub(lambda m: str(NUMBERS[m.group(1).lower()]), to_letters(clause))
        self.methods(s)
        return s
