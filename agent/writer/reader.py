"""What each number of a text refers to, and which item each sentence is about.

Reading is deliberately local and plain: a number's referent is the nearest anchor before it in
its clause (a label or `p(label)`: a probability; a quoted word: its score; a metric named by
the results' own field names: that metric), or failing that one just after it ("91% sure it is
positive"); a whole number before a noun is a count ("312 reviews", "3 of 8"); one after "#" or
an item noun is an id ("review #42"). A plainer rule would be wrong more often in both
directions: an invented score would pass as "some number", a true one would be misread.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .claims import Claim, Tok, parse_number, tokens, unquote
from .vocabulary import Vocabulary, wordkey

FILLER = frozenset("""is was are were be been being of at by to from with a an the about around
roughly approximately only just its their it this that these those has have had gives given
give scores score scored scoring equal equals near nearly almost exactly reaching reaches reach
goes go went drops drop falls fall rises rise changes change moves move down up on average over
than still then now and or as which mostly whereas each per here there so its weighs weigh
contributes contribute contributed adds add added pushes push pushed pulls pull pulled drives
drive drove carries carry gets get got brings bring""".split())
PROB_WORDS = frozenset("p probability probabilities prob chance chances likely likelihood sure "
                       "confident confidence certain certainty".split())
EDITED = frozenset("now would then instead after".split())  # "now predicts X": after an edit
SURE = frozenset("sure confident confidence certain certainty".split())
COUNT_WORDS = frozenset("right wrong correct incorrect times more fewer gold mistakes errors "
                        "edits edit out".split())
CHANGE_WORDS = frozenset("by rises rise raises raise drops drop falls fall lowers lower moves "
                         "move shifts shift increases increase decreases decrease".split())
RELATIVE = frozenset("below above lower higher less more".split())
SAY_WORDS = frozenset("says say said predicts predict predicted predicting picks chooses as "
                      "label".split())
CONVENTION = re.compile(r"^9[059]\s*%\s+(?:confidence\s+)?(?:interval|CI)\b", re.I)
BACK, AHEAD = 10, 8  # how many tokens a number's referent may be away


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
        """A whole number that counts something: "312 reviews", "3 of 8", "top 5", "4 held-out
        reviews", "253 are right"."""
        if any(c in self.toks[i].text for c in ".%"):
            return False
        prev = self.toks[i - 1] if i else None
        if prev is not None and prev.text.lower() in ("of", "among", "top", "first", "all"):
            return True
        for k in range(i + 1, min(i + 5, len(self.toks))):
            nxt = self.toks[k]
            if nxt.text == "-":
                continue
            if nxt.kind != "word":
                return False
            low = nxt.text.lower()
            if low == "of" and k + 1 < len(self.toks) and self.toks[k + 1].kind == "number":
                return True
            if low in COUNT_WORDS or self.vocab.is_noun(low) or \
                    (low.endswith("s") and low not in FILLER):
                return True
        return False

    def _back(self, i: int) -> Claim | None:
        """The referent of number i from the tokens before it, or None. Past a word that is
        neither a filler nor an anchor, only a probability ("p = 0.11" -> its label) or a metric
        ("accuracy on held-out reviews is 0.35") is looked for, and not for long."""
        changed = prob = False
        content = 0
        for j in range(i - 1, max(-1, i - 1 - BACK), -1):
            tok = self.toks[j]
            low = tok.text.lower()
            if tok.kind == "brk" or tok.text == ";":
                break
            if tok.kind == "number":
                earlier = self.number_kinds.get(j)
                if earlier is not None and earlier.kind == "id":
                    continue
                between = {t.text for t in self.toks[j + 1:i]}
                if earlier is None or earlier.kind in ("count", "value") or content or \
                        between & {"(", ")"}:  # "'cast' (0.28), and 21% ..." is not cast's
                    break
                return replace(earlier, kind="change", role=None) if changed and \
                    earlier.kind == "prob" else replace(earlier, role=None)
            if tok.kind == "punct":
                continue
            label = self._label_of(tok)
            near = not content or prob
            if tok.kind == "quote" and (label is None or self.vocab.is_scored(unquote(tok.text))):
                if near:
                    return Claim("score", word=wordkey(unquote(tok.text)))
                break
            if tok.kind == "pfunc" and tok.text.lower().startswith("log"):
                return Claim("value")
            if label is not None and near:
                return self._about(label, changed, j)
            metric = self.vocab.metric(low)
            if metric is not None and not prob:
                for before in reversed(self.toks[max(0, j - 3):j]):  # "random sufficiency"
                    more = self.vocab.metric(before.text)
                    if more is None:
                        break
                    metric |= more
                return Claim("metric", key=metric)
            if low in PROB_WORDS:
                prob = True
            elif low in CHANGE_WORDS:
                changed = True
            elif low not in FILLER and not self.vocab.is_noun(low) and low != "random":
                content += 1
                if content > 2:
                    break
        return Claim("prob") if prob else None

    def _about(self, label: str, changed: bool, j: int) -> Claim:
        """p(label); a change of it, or the score of the word that makes it ("'witty' raises
        p(positive) by 0.31"); "now" when the label is what the model says (then only the
        input's own probability supports it, not one after an edit)."""
        before = [t.text.lower() for t in self.toks[max(0, j - 4):j] if t.kind == "word"]
        if changed or before[-1:] in (["towards"], ["toward"], ["from"], ["against"]):
            for tok in reversed(self.toks[max(0, j - 6):j]):
                if tok.kind == "quote" and self._label_of(tok) is None:
                    return Claim("score", word=wordkey(unquote(tok.text)))
                if tok.kind in ("brk", "number") or tok.text == ";":
                    break
        if changed:
            return Claim("change", label=label)
        says = bool(set(before[-2:]) & SAY_WORDS) and not set(before) & EDITED
        return Claim("prob", label=label, role="now" if says else None)

    def _ahead(self, i: int) -> Claim | None:
        """The referent of number i from the tokens after it: "91% sure it is positive"."""
        prob: str | None = None
        for k in range(i + 1, min(i + 1 + AHEAD, len(self.toks))):
            tok = self.toks[k]
            low = tok.text.lower()
            if tok.kind == "number" and self._is_id(k):
                continue
            if tok.kind in ("brk", "number") or tok.text in ";(":
                break
            label = self._label_of(tok)
            if label is not None and tok.kind != "quote":
                return Claim("prob", label=label, role="now" if prob in SURE else None)
            if low in PROB_WORDS:
                prob = low
            elif prob is None and self.vocab.metric(low) is not None:
                return Claim("metric", key=self.vocab.metric(low) or frozenset())
            elif low not in FILLER and low not in ("that", "#") and not self.vocab.is_noun(low):
                break
        return Claim("prob", role="now" if prob in SURE else None) if prob else None

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
                elif ref is not None and ref.kind == "prob" and (signed or self._relative(i)):
                    ref = replace(ref, kind="change", role=None)
                claim = base if ref is None else replace(
                    base, kind=ref.kind, label=ref.label, word=ref.word, key=ref.key,
                    role=ref.role)
            self.number_kinds[i] = claim
            out.append(claim)
        return out

    def _relative(self, i: int) -> bool:
        """Whether number i is a difference: "0.20 below the full input", "0.3 higher"."""
        nxt = self.toks[i + 1] if i + 1 < len(self.toks) else None
        return nxt is not None and nxt.text.lower() in RELATIVE

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
