"""Claims without a number of their own: which label the model predicts, what the gold label is,
and which way a word pushes.

"The model predicts negative" about a positive prediction has no number a number check could
catch, and neither has "'boring' pushes towards positive" about a word that pushes away from
it; both read fluently. The label claims are a label after a verb of saying ("predicts X", "says
X", "classified as X", "flips from X to Y", "-> X", "gold X"), negated by "not" or "n't" just
before the verb; the direction claims are a marker ("towards X", "away from X", "against X",
"raises p(X)", "lowers p(X)") with the quoted words of its clause: after it when it opens a list
("towards positive: 'a', 'b'"), else before it ("'a' pushes towards positive").
"""

from __future__ import annotations

import re

from .claims import Claim, unquote
from .reader import Reader
from .vocabulary import Vocabulary, fold, wordkey

SAY = (r"predicts?|predicted(?:\s+as|\s+to\s+be)?|predicting|prediction\s+(?:is|was|of)|says?|"
       r"said|saying|classif(?:y|ies|ied)(?:\s+it)?(?:\s+as)?|labels?\s+it(?:\s+as)?|picks?|"
       r"picked|chooses?|chose|goes\s+with|went\s+with|calls?\s+it|called|thinks?\s+it(?:'s|\s+is)|"
       r"sees?\s+it\s+as|reads?\s+it\s+as|rates?\s+it(?:\s+as)?|final\s+label\s+is|"
       r"(?:sure|confident|certain)\s+(?:that\s+)?it(?:'s|\s+is)|verdict\s+is|outputs?|assigns?|"
       r"stays|remains")
CHANGE = (r"flips?|flipped|changes?|changed|switch(?:es|ed)?|turns?|turned|goes|went|moves?|"
          r"moved")
AFTER = (r"(?:\b(?:flips?|flipped|changes?|changed|switch(?:es|ed)?|turns?|turned|becomes?|"
         r"became|now\s+predicts?|would\s+(?:predict|say|be))\s+(?:to\s+|into\s+)?|(?:->|→)\s*)")
GOLD = (r"\b(?:gold(?:\s+label)?(?:\s+(?:is|was))?|true\s+label(?:\s+(?:is|was))?|labell?ed|"
        r"actually|annotated\s+as)\s+")
UNNAMED = re.compile(r"\b(?:predicts|predicted|classified\s+as|gold(?:\s+label)?(?:\s+is)?)\s+"
                     r"(?P<label>[A-Za-z][\w-]{2,})\b")
NOT_LABELS = frozenset("""the that this these those them they its it's with for from and but not
nothing something everything anything all both each every most more less none only just also
still then very too here there which what whether how when where who one two three four five
label labels class classes category probability probabilities value values score scores answer
answers outcome outcomes result results output same different other another wrong right correct
incorrect well badly over under about around almost exactly above below high low higher lower
first last next text word words token tokens item items review reviews sentiment tone way
instead too much many few yes""".split())
NEGATION = re.compile(r"(?:\b(?:not|never)|n't|\bno\s+longer)\s+$", re.I)
MARKER = re.compile(
    r"\b(?P<verb>towards?|in\s+favou?r\s+of|supports?|supporting|away\s+from|against|raises?|"
    r"raising|increases?|increasing|boosts?|boosting|lifts?|lowers?|lowering|decreases?|"
    r"decreasing|reduces?|reducing|hurts?)\s+(?:the\s+)?(?:label\s+|probability\s+of\s+|odds\s+"
    r"of\s+|chances?\s+of\s+)?(?:p\(\s*)?", re.I)
AWAY = re.compile(r"away|against|lower|decreas|reduc|hurt", re.I)
REMOVAL = re.compile(r"\b(?:remov|delet|drop|eras|without)", re.I)
QUOTES = "\"'“‘”’"


def masked(reader: Reader) -> str:
    """The text with quoted passages blanked, except quoted labels: a review quoted in the
    answer may say "positive" without the answer claiming anything."""
    chars = list(reader.text)
    for t in reader.toks:
        if t.kind == "quote" and reader.vocab.label(unquote(t.text)) is None:
            chars[t.start:t.end] = " " * (t.end - t.start)
    return "".join(chars)


def labels(reader: Reader) -> list[Claim]:
    """Predicted-label and gold-label claims, each with the item it is about."""
    text = masked(reader)
    lab = rf"[{QUOTES}]?(?P<label>{reader.vocab.label_pattern()})[{QUOTES}]?"
    taken: set[int] = set()
    out: list[Claim] = []

    def add(kind: str, m: re.Match[str], group: str, role: str | None,
            negated: bool = False) -> None:
        start = m.start(group)
        if start in taken:
            return
        taken.add(start)
        name = reader.vocab.label(m.group(group)) or m.group(group)
        item = reader.item_near(start, reader.sentence_at(start))
        out.append(Claim(kind, label=name, item=item, role=role, negated=negated,
                         text=("not " if negated else "")
                         + ("predicts" if kind == "predicted" else "gold label") + f" {name}"
                         + {"before": " before the edit", "after": " after the edit"}.get(
                             role or "", "") + ("" if item is None else f" for #{item}")))

    flip = re.compile(rf"\b(?:{CHANGE})\s+(?:[\w#]+\s+){{0,3}}?from\s+[{QUOTES}]?(?P<before>"
                      rf"{reader.vocab.label_pattern()})[{QUOTES}]?(?:\s*\([^)]*\))?\s+(?:to|into)"
                      rf"\s+{lab}", re.I)
    for m in flip.finditer(text):
        add("predicted", m, "before", "before")
        add("predicted", m, "label", "after")
    for m in re.finditer(AFTER + lab, text, re.I):
        add("predicted", m, "label", "after")
    for m in re.finditer(GOLD + lab, text, re.I):
        add("gold", m, "label", None)
    for m in re.finditer(rf"\b(?:{SAY})\s+(?:it\s+|that\s+it\s+(?:is\s+)?|as\s+)?{lab}", text,
                         re.I):
        add("predicted", m, "label", None, bool(NEGATION.search(text[max(0, m.start() - 12):
                                                                      m.start()])))
    if reader.vocab.labels:  # a classifier's answer: a label no result names is a claim too
        for m in UNNAMED.finditer(text):
            word = m.group("label").lower()
            if word not in NOT_LABELS and not word.endswith("ly") and \
                    not reader.vocab.is_noun(word) and reader.vocab.metric(word) is None:
                add("gold" if m.group(0).lower().startswith("gold") else "predicted", m,
                    "label", None)
    return out


def _bounds(reader: Reader, position: int) -> tuple[int, int]:
    """Start and end of the clause around `position`: sentence ends and semicolons."""
    start, end = 0, len(reader.text)
    for t in reader.toks:
        if t.kind == "brk" or t.text == ";":
            if t.end <= position:
                start = t.end
            elif t.start >= position:
                end = t.start
                break
    return start, end


def directions(reader: Reader) -> list[Claim]:
    """Direction claims: a quoted word pushing towards (sign +1) or away from (-1) a label."""
    text = masked(reader)
    label = re.compile(rf"[{QUOTES}]?({reader.vocab.label_pattern()})[{QUOTES}]?\)?(?:'s)?",
                       re.I)
    marks: list[tuple[int, int, str, int]] = []  # (start, end, label, sign)
    for m in MARKER.finditer(text):
        found = label.match(text, m.end())
        if found is None:
            continue
        name = reader.vocab.label(found.group(1)) or found.group(1)
        marks.append((m.start(), found.end(), name, -1 if AWAY.match(m.group("verb")) else 1))
    out: list[Claim] = []
    for n, (start, end, name, sign) in enumerate(marks):
        lo, hi = _bounds(reader, start)
        prev_end = max([e for s, e, _, _ in marks[:n] if s >= lo] + [lo])
        next_start = min([s for s, _, _, _ in marks[n + 1:] if s < hi] + [hi])
        opens_list = text[end:end + 3].lstrip().startswith(":")
        before = [] if opens_list else _quoted(reader, prev_end, start)
        words = before or _quoted(reader, end, next_start)
        if before and REMOVAL.search(text[prev_end:start]):
            sign = -sign  # "removing 'great' lowers p(positive)": 'great' pushes towards it
        for word, score in words:
            out.append(Claim("direction", label=name, word=word, sign=sign,
                             value=None if score is None else abs(score.value or 0.0),
                             decimals=0 if score is None else score.decimals,
                             text=f"'{word}' {'towards' if sign > 0 else 'away from'} {name}"))
    return out


def _quoted(reader: Reader, start: int, end: int) -> list[tuple[str, Claim | None]]:
    """The quoted words between two positions that are not labels and not long passages, each
    with the score written just after it, if any ("'is' (-0.25)": which "is" of the text)."""
    out = []
    for n, t in enumerate(reader.toks):
        if t.kind == "quote" and start <= t.start and t.end <= end:
            inner = unquote(t.text)
            if reader.vocab.label(inner) is None and len(fold(inner).split()) <= 3:
                after = [reader.number_kinds.get(k) for k in (n + 1, n + 2)]
                out.append((wordkey(inner), next((a for a in after if a is not None), None)))
    return out


def read(text: str, vocab: Vocabulary) -> list[Claim]:
    """Every claim of `text`: numbers first (ids among them), then labels and directions."""
    reader = Reader(text, vocab)
    out = reader.numbers()
    out += labels(reader)
    out += directions(reader)
    return out
