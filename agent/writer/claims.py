"""What a written sentence claims: numbers with what they refer to, predicted labels, directions.

A grounding check that compares bare numbers passes lies: a result holds dozens of numbers
(offsets, ids, per-k figures), so an invented score often equals one of them, and a wrong label
or a flipped direction has no number at all. So an answer is read as claims, each naming what it
is about, and each is later matched only against result values of that kind (`grounding.py`).

The same reader turns the tools' own sentences (`summary`, earlier answers) into facts: a
number the tool itself wrote in a given context supports the same claim in the same context,
which covers figures a tool derives in its sentence (shares, averages) without naming a field.

Reading is deliberately local and plain: a number's referent is the nearest anchor before it
in its clause (a label, `p(label)`, a quoted word, a metric named by the results' own field
names) or, failing that, just after it ("91% sure it is positive"); a prediction is a label after
a verb of saying; a direction is "towards X", "away from X", "raises/lowers p(X)" with the
quoted words of its clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .vocabulary import Vocabulary, wordkey

TOKEN = re.compile(
    r"(?P<quote>\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”|‘[^’\n]{1,300}’"
    r"|(?<![\w'])'[^'\n]{1,120}'(?!\w))"
    r"|(?P<pfunc>(?<!\w)(?:log\s+)?p\((?P<inner>[^()\n]{1,80})\))"
    r"|(?P<number>(?<![\w.])[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?(?!\w))"
    r"|(?P<word>[^\W\d_][\w'’]*)"
    r"|(?P<brk>[.!?](?=\s|$)|\n)"
    r"|(?P<punct>[^\s\w])")
FILLER = frozenset("""is was are were be been being of at by to from with a an the about around
roughly approximately only just its their it this that these those has have had gives given
give scores score scored scoring equal equals near nearly almost exactly reaching reaches reach
goes go went drops drop falls fall rises rise changes change moves move down up on average over
than still then now and or as which mostly whereas each per here there so its weighs""".split())
PROB_WORDS = frozenset("probability probabilities prob chance chances likely likelihood sure "
                       "confident confidence certain certainty".split())
COUNT_WORDS = frozenset("right wrong correct incorrect times more fewer gold mistakes errors "
                        "edits edit out".split())
CHANGE_WORDS = frozenset("by rises rise raises raise drops drop falls fall lowers lower moves "
                         "move shifts shift increases increase decreases decrease".split())
CONVENTION = re.compile(r"^9[059]\s*%\s+(?:confidence\s+)?(?:interval|CI)\b", re.I)
BACK, AHEAD = 7, 6  # how many tokens a number's referent may be away


@dataclass(frozen=True)
class Tok:
    kind: str  # quote | pfunc | number | word | brk | punct
    text: str
    start: int
    end: int
    sentence: int


@dataclass(frozen=True)
class Claim:
    """One thing an answer says, or one thing a result holds (then called a fact).

    Number kinds: prob (of `label`), change (of p(`label`)), score (of `word`), metric (named by
    `key`), count, id, value (referent unknown). Other kinds: predicted, gold (`label`, about
    `item`), direction (`word` towards `label` when `sign` > 0, away from it when < 0)."""

    kind: str
    value: float | None = None
    token: str = ""
    decimals: int = 0
    percent: bool = False
    signed: bool = False
    label: str | None = None
    word: str | None = None
    key: frozenset[str] = frozenset()
    item: int | None = None
    role: str | None = None  # predicted: "before" / "after" an edit, "other" (a nested variant)
    sign: int = 0
    negated: bool = False
    other: frozenset[str] = frozenset()  # score facts: labels a negative score pushes towards
    is_int: bool = False
    text: str = field(default="", compare=False)

    def describe(self) -> str:
        what = {"prob": f"p({self.label})" if self.label else "a probability",
                "change": f"a change of p({self.label})", "score": f"the score of '{self.word}'",
                "metric": "/".join(sorted(self.key)), "count": "a count", "id": "an id",
                "value": "a value"}.get(self.kind)
        if what is not None:
            return f"{self.token} (as {what})"
        return self.text or f"{self.kind} {self.label}"


def tokens(text: str) -> list[Tok]:
    out: list[Tok] = []
    sentence = 0
    for m in TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind == "inner":
            kind = "pfunc"
        out.append(Tok(kind, m.group(0), m.start(), m.end(), sentence))
        if kind == "brk":
            sentence += 1
    return out


def parse_number(token: str) -> tuple[float, int, bool, bool]:
    """(value, decimals, is_percent, has_explicit_sign) of a number as written."""
    percent = token.endswith("%")
    raw = token.rstrip("%").replace(",", "").replace("−", "-")
    decimals = len(raw.split(".", 1)[1]) if "." in raw else 0
    return float(raw), decimals, percent, raw[:1] in "+-"


def unquote(text: str) -> str:
    return text[1:-1].strip() if len(text) >= 2 and text[0] in "\"'“‘" else text


class Reader:
    """Reads one text into claims, with the labels, nouns and metric names of the sources."""

    def __init__(self, text: str, vocab: Vocabulary) -> None:
        self.text, self.vocab = text, vocab
        self.toks = tokens(text)
        self.ids: list[tuple[int, int, int]] = []  # (position, sentence, id)
        self.number_kinds: dict[int, Claim] = {}

    # ---- tokens as anchors -----------------------------------------------------------------
    def _label_of(self, tok: Tok) -> str | None:
        if tok.kind == "word" or tok.kind == "quote":
            return self.vocab.label(unquote(tok.text))
        if tok.kind == "pfunc":
            inner = tok.text[tok.text.index("(") + 1:-1]
            return self.vocab.label(unquote(inner.split(",")[0].split("|")[0].strip()))
        return None

    def _is_id(self, i: int) -> bool:
        prev = self.toks[i - 1] if i else None
        if prev is not None and prev.text == "#" and prev.end == self.toks[i].start:
            return True
        if prev is not None and prev.kind == "word" and self.vocab.is_noun(prev.text, single=True):
            return "." not in self.toks[i].text and "%" not in self.toks[i].text
        return False

    def _is_count(self, i: int) -> bool:
        tok = self.toks[i]
        if any(c in tok.text for c in ".%"):
            return False
        for nxt in self.toks[i + 1:i + 4]:
            if nxt.kind != "word":
                return False
            low = nxt.text.lower()
            if low == "of" and i + 2 < len(self.toks) and self.toks[i + 2].kind == "number":
                return True
            if low in COUNT_WORDS or self.vocab.is_noun(low) or low.endswith("s"):
                return low not in FILLER or low in COUNT_WORDS
            if low not in FILLER and low != "random":
                return False
        prev = self.toks[i - 1] if i else None
        return prev is not None and prev.text.lower() in ("of", "among", "top", "first", "all")

    def _back(self, i: int) -> Claim | None:
        """The referent of number i from the tokens before it, or None."""
        passed_change = False
        for j in range(i - 1, max(-1, i - 1 - BACK), -1):
            tok = self.toks[j]
            low = tok.text.lower()
            if tok.kind == "brk" or tok.text == ";":
                return None
            if tok.kind == "number":
                earlier = self.number_kinds.get(j)
                if earlier is None or earlier.kind in ("count", "id", "value"):
                    return None
                return replace(earlier, kind="change") if passed_change and \
                    earlier.kind == "prob" else earlier
            if tok.kind == "punct":
                continue
            label = self._label_of(tok)
            if tok.kind == "quote":
                word = wordkey(unquote(tok.text))
                if label is not None and not self.vocab.is_scored(word):
                    return Claim("change" if passed_change else "prob", label=label)
                return Claim("score", word=word)
            if tok.kind == "pfunc":
                if tok.text.lower().startswith("log"):
                    return Claim("value")
                return Claim("change" if passed_change else "prob", label=label)
            if label is not None:
                return Claim("change" if passed_change else "prob", label=label)
            metric = self.vocab.metric(low)
            if metric is not None:
                return Claim("metric", key=metric)
            if low in PROB_WORDS:
                return Claim("prob")
            if low in CHANGE_WORDS:
                passed_change = True
            elif low not in FILLER and not self.vocab.is_noun(low) and low != "random":
                return None
        return None

    def _ahead(self, i: int) -> Claim | None:
        """The referent of number i from the tokens after it: "91% sure it is positive"."""
        prob = False
        for tok in self.toks[i + 1:i + 1 + AHEAD]:
            low = tok.text.lower()
            if tok.kind in ("brk", "number") or tok.text in ";(":
                break
            label = self._label_of(tok)
            if label is not None and tok.kind != "quote":
                return Claim("prob", label=label)
            if low in PROB_WORDS:
                prob = True
            elif not prob and self.vocab.metric(low) is not None:
                return Claim("metric", key=self.vocab.metric(low) or frozenset())
            elif low not in FILLER and low not in ("that", "review", "item", "#") and \
                    not self.vocab.is_noun(low):
                break
        return Claim("prob") if prob else None

    # ---- claims ----------------------------------------------------------------------------
    def numbers(self) -> list[Claim]:
        out = []
        for i, tok in enumerate(self.toks):
            if tok.kind != "number":
                continue
            value, decimals, percent, signed = parse_number(tok.text)
            base = Claim("value", value=value, token=tok.text, decimals=decimals,
                         percent=percent, signed=signed)
            if CONVENTION.match(self.text[tok.start:tok.start + 40]):
                continue
            if self._is_id(i):
                self.ids.append((tok.start, tok.sentence, int(value)))
                claim = replace(base, kind="id")
            elif self._is_count(i):
                claim = replace(base, kind="count")
            else:
                ref = self._back(i) or self._ahead(i)
                if ref is not None and ref.kind in ("prob", "change") and not decimals and \
                        not percent:
                    ref = Claim("count")  # "2 negative predicted as positive"
                elif ref is not None and ref.kind == "prob" and signed:
                    ref = replace(ref, kind="change")
                claim = base if ref is None else replace(
                    base, kind=ref.kind, label=ref.label, word=ref.word, key=ref.key)
            self.number_kinds[i] = claim
            out.append(claim)
        return out

    def item_near(self, position: int, sentence: int) -> int | None:
        """The id a claim at `position` is about: the last id named before it in its sentence,
        else the first one after it there, else the last one named before it, else None."""
        before = [i for p, _, i in self.ids if p < position]
        here = [i for p, s, i in self.ids if s == sentence and p < position]
        after = [i for p, s, i in self.ids if s == sentence and p > position]
        if here:
            return here[-1]
        if after:
            return after[0]
        return before[-1] if before else None

    def sentence_at(self, position: int) -> int:
        return next((t.sentence for t in self.toks if t.end > position), 0)


def read(text: str, vocab: Vocabulary) -> list[Claim]:
    """Every claim of `text`: numbers first (ids among them), then labels and directions."""
    from .statements import directions, labels

    reader = Reader(text, vocab)
    out = reader.numbers()
    out += labels(reader)
    out += directions(reader)
    return out
