"""How an attribution is said: the `attribute` tool's result, its lead, trust line and details.

The lead (`summary()`) names the prediction, the (up to) `LEAD` words that pushed it most and what
removing them does; a long causal-LM answer is quoted there by its first words only. `details()`
has the method, base value and every score; `views()` the highlighted text, bars and ERASER
table. Kept apart from `attribute.py` (the tool: arguments, running a method, measuring the lead
words' removal), which builds this result.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .eraser import Faithfulness
from .faithfulness import details_text, eraser_table, value_phrase, verdict_line
from .registry import Result
from .views import Bars, View, WordScores, digits_for, significant, usable_spans

LEAD = 3  # words named in the first sentence

LEAD_QUOTE_WORDS = 8  # a longer answer is quoted by its first words in the lead sentence


def _clip_quote(text: str | None) -> str:
    """An answer as the lead quotes it: whole when short, else its first words and an ellipsis
    (the whole answer is in the details and the views), so a long generation does not make
    the first answer long."""
    words = str(text or "").split()
    if len(words) <= LEAD_QUOTE_WORDS:
        return str(text or "")
    closing = words[-1][-1] if words[-1][-1:] in ('"', "'") else ""
    return " ".join(words[:LEAD_QUOTE_WORDS - 2]) + " …" + closing


class AttributeResult(Result):
    referent: str
    id: int | None = None
    text: str
    kind: str
    method: str
    label: str
    asked: str | None = None  # a label asked about that the model does not predict
    contrast: str | None = None
    opposite: str | None = None  # a binary classifier's other label, for "towards X" phrasing
    predicted: str | None = None  # classifier: the label it predicts, which `label` may not be
    predicted_probability: float | None = None
    unit: str
    target_value: float
    base_value: float
    words: list[dict[str, Any]]
    top: list[dict[str, Any]]
    delta: float | None = None
    truncated: bool = False
    n_words_seen: int = 0
    n_words_total: int = 0
    span: tuple[int, int] | None = None
    answer: str | None = None
    span_name: str | None = None  # causal LM, default span: "answer", or "continuation" (after
    # the answer's restatement of the prompt); None for a narrowed span or a contrast
    removal: dict[str, Any] | None = None  # the lead words and f or p(label) without them
    faithfulness: Faithfulness | None = None
    extras: dict[str, Any] = Field(default_factory=dict)
    attribution_seconds: float = 0.0

    def _words(self, sign: int, limit: int | None = None, lead: bool = False) -> str:
        picked = [w for w in self.top if w["score"] * sign > 0
                  and (not lead or is_word(str(w["word"])))][:limit]
        return (", ".join(f"\"{w['word']}\" ({significant(w['score'], signed=True)})"
                          for w in picked) or f"none in the top {len(self.top)}")

    def _sides(self) -> tuple[str, str]:
        if self.kind == "causal_lm":
            return "raises the answer's log-probability", "lowers it"
        high = f"towards {self.label}" + (f" over {self.contrast}" if self.contrast else "")
        other = self.contrast or self.opposite
        return high, f"towards {other}" if other else f"away from {self.label}"

    def _window(self) -> str:
        windows = int(self.extras.get("windows", 1) or 1)
        return "the model's window" if windows <= 1 else f"the {windows} windows the model reads"

    def views(self) -> list[View]:
        """Every word highlighted inside the text by its signed score (the top k marked), the
        top words as signed bars, and the faithfulness figures when they were computed."""
        high, low = self._sides()
        spans = usable_spans(self.text, [(w["start"], w["end"]) for w in self.words
                                         if isinstance(w.get("start"), int)
                                         and isinstance(w.get("end"), int)], len(self.words))
        marked = [i for i, w in enumerate(self.words) if w in self.top]
        note = (f"Only the first {self.n_words_seen} of {self.n_words_total} words fit in "
                f"{self._window()}; the rest were never seen." if self.truncated else "")
        scores = [w.get("score") for w in self.words]
        shown: list[View] = [WordScores(
            title=f"word importance for {self.referent} ({self.method}, {self.unit})",
            text=self.text, words=[str(w["word"]) for w in self.words], spans=spans,
            scores=scores, high=high, low=low, marked=marked, note=note,
            digits=digits_for([s for s in scores if s is not None]))]
        if self.top:
            values = [float(w["score"]) for w in self.top]
            shown.append(Bars(title=f"top words ({self.method}, {self.unit})",
                              names=[str(w["word"]) for w in self.top], values=values,
                              signed=True, format="signed", digits=digits_for(values)))
        if self.faithfulness:
            shown.append(eraser_table([self.faithfulness],
                                      title="can these words be trusted? ERASER faithfulness"))
        return shown

    def remembered(self) -> dict[str, str]:
        return {"label": str(self.label), "method": self.method}

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data["details"] = self.details()
        return data

    def _head(self) -> str:
        p = "" if self.predicted_probability is None else \
            f" (p = {significant(self.predicted_probability)})"
        if self.kind == "causal_lm":
            if self.span_name == "continuation":
                return (f"For {self.referent}, the model repeats the prompt, then says "
                        f"{_clip_quote(self.label)}")
            head = f"For {self.referent}, the model answers \"{_clip_quote(self.answer)}\""
            if self.span_name is None and not self.contrast:
                head += f"; it says {self.label}"
            if self.contrast:
                head += f"; why {self.label} rather than \"{self.contrast.strip()}\""
            return head
        if self.contrast is not None:
            return (f"For {self.referent}, the model says {self.predicted}{p}; why {self.label} "
                    f"rather than {self.contrast}")
        if self.asked is not None:
            return f"For {self.referent}, the model does not say {self.asked}: it says " \
                   f"{self.label}{p}"
        if self.predicted is not None and self.predicted != self.label:
            return (f"For {self.referent}, the model does not say {self.label}: it says "
                    f"{self.predicted}{p}; what pushes towards {self.label}")
        return f"For {self.referent}, the model says {self.label}{p}"

    def summary(self) -> str:
        """The lead sentence and one trust line; `details()` has the rest."""
        parts = [self._head()]
        r = self.removal
        if r and r["words"]:
            named = [f"\"{w['word']}\"" for w in r["words"]]
            first = r["words"][0]
            unit = "log-odds" if self.unit == "log-odds" else self.unit
            named[0] += f" ({significant(first['score'], signed=True)} {unit})"
            listed = named[0] if len(named) == 1 else \
                ", ".join(named[:-1]) + f" and {named[-1]}"
            what = r["what"]
            verb = "drops" if r["without_top"] < r["full"] else "raises"
            them = "it" if len(named) == 1 else "them"
            because = "mostly because of" if self.kind == "classifier" else \
                "mostly because of the prompt words"
            parts[0] += (f", {because} {listed}: removing {them} {verb} {what} from "
                         f"{significant(r['full'])} to {significant(r['without_top'])}.")
        else:
            parts[0] += f"; no word pushes {self._sides()[0]} on its own."
        if self.asked is not None and self.opposite == self.asked:
            parts.append(f"Towards {self.asked}: {self._words(-1, LEAD, lead=True)}.")
        if self.faithfulness is not None:
            parts.append(verdict_line(self.faithfulness))
        if self.truncated:
            parts.append(f"Only its first {self.n_words_seen} of {self.n_words_total} words fit "
                         f"in {self._window()}; the rest were never seen.")
        if self.extras.get("explained"):
            parts.append(str(self.extras["explained"]))
        return " ".join(parts)

    def details(self) -> str:
        """Method, units, base value, the top words both ways, and every faithfulness figure."""
        high, low = self._sides()
        what = f"log p({self.span_name})" if self.span_name else \
            value_phrase(self.unit, self.label, self.contrast)
        how = (f"Details: {self.method} scores in {self.unit} ({what} = "
               f"{significant(self.target_value)}; base value {significant(self.base_value)}, "
               "with the words removed or masked")
        if self.delta is not None:
            how += f"; convergence delta {significant(self.delta, signed=True)}"
        parts = [how + ").", f"Top words {high}: {self._words(1)}; {low}: {self._words(-1)}."]
        if self.faithfulness is not None:
            parts.append(details_text(self.faithfulness, what))
        return " ".join(parts)


def is_word(token: str) -> bool:
    """A token with a letter or digit: the lead names words, not "," or "." (punctuation keeps
    its score in the full table and the details)."""
    return any(c.isalnum() for c in token)
