"""Slots read from one clause by rules: inputs, numbers, methods, labels.

Each extractor *consumes* what it reads (replaces it by spaces in a working copy), so a number is
used once: "10 most similar reviews to item 5" gives k=10 and id=5, never id=10. Labels are only
ever names of the target's labels (synonyms such as fresh/rotten only when the target has
positive/negative); methods are only the canonical attribution methods.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..read.masking import LETTER, PLACEHOLDER, quote_index, to_letters
from ..read.typos import english_word
from .clause_slots import LabelMention, Slots
from .features import FeatureReader
from .id_patterns import (
    BAD_ID,
    BETWEEN_IDS,
    ID,
    ITEM_NOUNS,
    K_PATTERNS,
    LIST,
    ORDINAL,
    RANGE,
)
from .label_slots import LABEL_SLOTS, NOT_LABELS, lev1
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

_KEEP_FROM = re.compile(r"\b(?:keep|keeps|stop|prevent|avoid|save)\b[^.?!]{0,40}\bfrom\s+"
                        r"(?:being\s+|getting\s+)?$"
                        r"|\b(?:prevent|avoid)\s+(?:the\s+|them\s+|it\s+)?$", re.I)


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
        digits = [lab for lab in self.labels if re.fullmatch(r"\d", lab)]
        self._digit_label = re.compile(  # a model whose classes are 0 and 1, named so
            r"\b(?:predict(?:s|ed|ing)?|labell?ed|classified|class|label|outcome|say(?:s|ing)?"
            rf"|as|be|is|are|of|gets?|got)\s+(?:as\s+|an?\s+)?(?P<d>{'|'.join(digits)})(?![\w.])",
            re.I) if digits else None
        # feature values with a number word in them ("two year"), left as words
        worded = [v for v in (features.names.values if features is not None else ())
                  if re.search(rf"\b(?:{'|'.join(NUMBERS)})\b", v, re.I)]
        self._number_values = (re.compile("|".join(rf"(?<![\w-]){spaced(v)}(?![\w-])"
                                                   for v in sorted(worded, key=len, reverse=True)),
                                          re.I) if worded else None)
        self._id_noun = (
            re.compile(rf"\b{re.escape(self.item_noun)}s?\s*#?\s*(\d+)\b(?![.,]\d)", re.I)
            if self.item_noun and not re.fullmatch(ITEM_NOUNS, self.item_noun, re.I) else None
        )

    # ---- numbers and inputs --------------------------------------------------------------
    def numbers(self, s: Slots, *, sample: bool = False) -> None:
        """Layer, head, page, ids, an id, k and bare numbers; a sample size when `sample`."""
        w = s.work
        if self._digit_label is not None:  # "predicted 1" of a 0/1 model: a label, no id
            for m in list(self._digit_label.finditer(w)):
                s.extra.setdefault("digit_labels", []).append(
                    LabelMention(m.group("d"), m.start("d"), m.end("d")))
                w = w[:m.start("d")] + " " * (m.end("d") - m.start("d")) + w[m.end("d"):]
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
        for rx in (BETWEEN_IDS, RANGE) if self.id_names is None else ():
            m = rx.search(w)
            if m:
                lo, hi = sorted((int(m.group(1)), int(m.group(2))))
                s.ids = f"{lo}-{hi}"
                w = consume(w, m)
                break
        m = LIST.search(w) if self.id_names is None else None
        if m and s.ids is None:
            s.ids = [int(x.lstrip("#")) for x in m.group(1).split(",")]
            w = consume(w, m)
        m = BAD_ID.search(w) if self.id_names is None else None
        if m and s.ids is None:
            s.bad_id = re.sub(r"\s+", "", m.group(1))
            w = consume(w, m)
        m = None if self.id_names is not None else (
            ID.search(w) or (self._id_noun and self._id_noun.search(w)) or ORDINAL.search(w))
        if m and s.bad_id is None:
            s.id = int(m.group(1))
            w = consume(w, m)
            more = ID.search(w) if s.ids is None else None
            if more and int(more.group(1)) != s.id:  # "predict review 12 and review 13"
                s.ids, s.id = [s.id, int(more.group(1))], None
                w = consume(w, more)
        for pat in K_PATTERNS:
            m = re.search(pat, w, re.I)
            if m:
                s.k = int(m.group(1))
                w = w[: m.start(1)] + " " * (m.end(1) - m.start(1)) + w[m.end(1) :]
                break
        for m in re.finditer(r"(?<![\w.,])\d+(?![\w.]|,\d|\s*%|\s+(?:days?|weeks?|months?|years?"
                             r"|hours?|minutes?)\b)", w):  # "flip 1811, keep ..." ("within 30
            # days" is no id)
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
            if m and unknown_word(m.group(1)) and not self._a_feature_word(m.group(1)):
                s.unknown_method = m.group(1)
        s.rollout = re.search(r"\broll[\s-]?out|\brolled[\s-]?out\b", w, re.I) is not None
        s.work = w

    def _a_feature_word(self, word: str) -> bool:
        """"Charged with misdemeanors": a table's value or feature, not a method's name."""
        if self.features is None:
            return False
        names = self.features.names
        said = word.lower()
        return said in names.values or names.name_of(said) is not None

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
        for m in re.finditer(r"[a-z]{5,}", low):  # typos: "negatve", "postive" (not "stats")
            if any(taken[m.start() : m.end()]) or (
                    english_word(m.group(0))
                    and m.group(0) not in {lab.lower() for lab in self.labels}):
                continue  # ("gold-negative": the label itself, after a hyphen)
            for lab in self.labels:
                if len(lab) >= 5 and " " not in lab and lev1(m.group(0), lab.lower()):
                    found.append(LabelMention(lab, m.start(), m.end()))
                    break
        found += s.extra.get("digit_labels", [])
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
        for rx in LABEL_SLOTS:
            for m in rx.finditer(w):
                word = m.group("x")
                qi = quote_index(word)
                if qi is not None:
                    if qi >= len(quotes) or len(quotes[qi].split()) > 3:
                        continue
                    word = quotes[qi]
                word = word.strip().lower()
                if word and word not in NOT_LABELS and not re.search(r"\d", word):
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
        if len(self.labels) == 2 and (_KEEP_FROM.search(low[: s.labels[0].start]) or re.search(
                r"\b(?:predicted|classified|labell?ed|come\s+out|comes\s+out)\s+(?:as\s+)?not\s+$",
                low[: s.labels[0].start])):  # "so that 44 is predicted not diabetic"
            # "how could we keep customer 812 from churning?": the other label is wanted
            s.label = next(lab for lab in self.labels if lab != s.label)

    def read(self, clause: str) -> Slots:
        """The clause with its quotes as letters and its methods read (numbers and labels next)."""
        s = Slots(work=clause)
        s.quotes_here = [int(i) for i in PLACEHOLDER.findall(clause)]
        work = to_letters(clause)
        kept = self._number_values.finditer(work) if self._number_values else ()
        spans = [(m.start(), m.end()) for m in kept]  # "a two year contract": a value, kept
        s.work = NUMBER_WORD.sub(lambda m: m.group(0) if any(a <= m.start() < b for a, b in spans)
                                 else str(NUMBERS[m.group(1).lower()]), work)
        self.methods(s)
        return s
