"""Generic views of a result: what the terminal and the page draw, whatever tool made it.

A result lists its views (`Result.views()`); each is one of a few shapes, told apart by `kind`.
The terminal (`agent/terminal/views.py`) and the page (`server/static/app.js`) each draw every
kind once, so a new tool needs no drawing code of its own, in Python or in JavaScript, and no
code outside `tools/` looks at a tool's name to decide how to draw it.

- `word_scores`: words of one text with a score each (attributions, attention weights, an LM's
  token probabilities), signed or not, highlighted inside the text on a colour-blind-safe scale;
- `bars`: named values as bars (probabilities, top words, global importance, counts); with a
  `start` and an `end` they are the steps of a waterfall (a table row's feature contributions
  from the base value to its output), each bar starting where the one before ends;
- `table`: columns and rows (items, mistakes, similar items, metrics, the ERASER figures);
- `matrix`: a labelled grid (confusion matrix, attention heat map, layers x labels);
- `text_pairs`: before/after texts with a note each (what-if, counterfactuals).

A view never invents a number: every number in it is one of the result's own fields, so what a
reader sees can be traced to what the tool computed (tests/test_views.py checks this). Words
around the numbers (titles, legends, notes) are free.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

Cell = str | int | float | bool | None
NumberFormat = Literal["fixed", "signed", "percent", "count"]


class WordScores(BaseModel):
    """Words of a text, each with a score or None (not scored), drawn inside the text."""

    kind: Literal["word_scores"] = "word_scores"
    title: str = ""
    text: str = Field(default="", description="The text the words come from.")
    words: list[str]
    spans: list[tuple[int, int]] | None = Field(
        default=None, description="Each word's (start, end) characters in `text`, in order; "
        "without them the words are joined with spaces.")
    scores: list[float | None] = Field(description="One per word; None: not scored.")
    signed: bool = Field(default=True, description="Signed: orange above zero, blue below. "
                         "Unsigned: one orange scale from zero up.")
    scale: float | None = Field(default=None, description="The score drawn at full strength "
                                "(1 for probabilities); None: the largest |score|.")
    high: str = Field(default="", description="What a positive (or high) score means, e.g. "
                      "'towards positive'.")
    low: str = Field(default="", description="What a negative (or low) score means, e.g. "
                     "'away from positive'.")
    marked: list[int] = Field(default_factory=list, description=(
        "Indices of the words to single out: the top k by |score|, or the tokens chosen with a "
        "low probability. Without colour they are written «word +0.31»."))
    digits: int = 2
    note: str = ""
    part: str = Field(default="word", description="What one scored piece is called in legends: "
                      "word, token, feature.")

    @model_validator(mode="after")
    def _consistent(self) -> WordScores:
        n = len(self.words)
        if len(self.scores) != n:
            raise ValueError(f"{len(self.scores)} scores for {n} words")
        if self.spans is not None:
            if len(self.spans) != n:
                raise ValueError(f"{len(self.spans)} spans for {n} words")
            last = 0
            for start, end in self.spans:
                if not last <= start <= end <= len(self.text):
                    raise ValueError("spans must be in order and inside the text")
                last = end
        if any(not 0 <= i < n for i in self.marked):
            raise ValueError("a marked index is not a word")
        return self


class Bars(BaseModel):
    """Named values, one bar each (orange above zero, blue below when signed)."""

    kind: Literal["bars"] = "bars"
    title: str = ""
    names: list[str]
    values: list[float]
    signed: bool = False
    scale: float | None = Field(default=None, description="The value of a full bar (1 for "
                                "probabilities, the total for a share); None: the largest.")
    format: NumberFormat = "fixed"
    digits: int = 2
    notes: list[str] | None = Field(default=None, description="A few words after each bar.")
    note: str = ""
    start: float | None = Field(default=None, description="A waterfall: the value the first "
                                "step starts from (a base value); each step starts where the "
                                "one before ends. None: plain bars from zero.")
    end: float | None = Field(default=None, description="A waterfall: where the last step ends "
                              "(start + the sum of the values: the output).")
    start_name: str = Field(default="", description="What `start` is, e.g. 'base value'.")
    end_name: str = Field(default="", description="What `end` is, e.g. 'this row'.")

    @model_validator(mode="after")
    def _consistent(self) -> Bars:
        if len(self.values) != len(self.names):
            raise ValueError(f"{len(self.values)} values for {len(self.names)} names")
        if self.notes is not None and len(self.notes) != len(self.names):
            raise ValueError(f"{len(self.notes)} notes for {len(self.names)} names")
        if (self.start is None) != (self.end is None):
            raise ValueError("a waterfall needs both its start and its end")
        if self.start is not None and self.end is not None:
            gap = abs(self.start + sum(self.values) - self.end)
            if gap > 1e-3 * max(1.0, abs(self.end)):
                raise ValueError(f"the steps do not go from start to end (off by {gap:.2g})")
        return self

    @property
    def waterfall(self) -> bool:
        return self.start is not None and self.end is not None


class Column(BaseModel):
    """A table column. `auto`: yes/no for booleans, integers with separators, other numbers
    with `digits`; `text`: a long text, cut at the screen's edge; `float`/`signed`/`percent`/
    `count`: numbers in that format; `bool`: yes/no, coloured; `id`: the value as it is (an
    item's id is the user's, never "5,003"); `exact`: a number as it is, aligned as a number (a
    feature's value: 1.222 stays 1.222, 40 stays 40)."""

    name: str
    type: Literal["auto", "text", "float", "signed", "percent", "count", "bool", "id",
                  "exact"] = "auto"
    digits: int = 2


class Table(BaseModel):
    kind: Literal["table"] = "table"
    title: str = ""
    columns: list[Column]
    rows: list[list[Cell]]
    note: str = ""

    @field_validator("columns", mode="before")
    @classmethod
    def _names(cls, columns: object) -> object:
        """A plain name is an `auto` column."""
        if isinstance(columns, list):
            return [{"name": c} if isinstance(c, str) else c for c in columns]
        return columns

    @model_validator(mode="after")
    def _consistent(self) -> Table:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"a row of {len(row)} cells for {len(self.columns)} columns")
        return self


class Matrix(BaseModel):
    """A labelled grid of numbers (None: no value), shaded from zero to the largest value."""

    kind: Literal["matrix"] = "matrix"
    title: str = ""
    rows: list[str]
    columns: list[str]
    values: list[list[float | int | None]]
    row_title: str = ""
    column_title: str = ""
    show_values: bool = Field(default=True, description="Numbers in the cells (a confusion "
                              "matrix); False: shades only (a heat map).")
    format: NumberFormat = "fixed"
    digits: int = 2
    diagonal: bool = Field(default=False, description="Emphasise the cells whose row and "
                           "column have the same name (a confusion matrix's right answers).")
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Matrix:
        if len(self.values) != len(self.rows):
            raise ValueError(f"{len(self.values)} rows of values for {len(self.rows)} rows")
        for row in self.values:
            if len(row) != len(self.columns):
                raise ValueError(f"a row of {len(row)} values for {len(self.columns)} columns")
        return self


class TextPair(BaseModel):
    """One text before and after a change, with what the model said of each when known."""

    before: str
    after: str
    note: str = ""
    changed: bool = True
    before_label: str | None = None
    before_value: float | None = None
    after_label: str | None = None
    after_value: float | None = None


class TextPairs(BaseModel):
    kind: Literal["text_pairs"] = "text_pairs"
    title: str = ""
    pairs: list[TextPair]
    digits: int = 2
    note: str = ""


View = Annotated[WordScores | Bars | Table | Matrix | TextPairs, Field(discriminator="kind")]
KINDS = ("word_scores", "bars", "table", "matrix", "text_pairs")


def usable_spans(text: str, spans: list[tuple[int, int]] | None,
                 n_words: int) -> list[tuple[int, int]] | None:
    """`spans` when there is one per word, in order and inside `text` (what `WordScores`
    needs to highlight words in place); else None, and the words are joined with spaces."""
    if spans is None or len(spans) != n_words:
        return None
    last = 0
    for start, end in spans:
        if not last <= start <= end <= len(text):
            return None
        last = end
    return spans


def find_spans(text: str, words: list[str]) -> list[tuple[int, int]] | None:
    """Each word's (start, end) in `text`, looked up in order; None when one is not found (then
    a view joins the words with spaces instead of highlighting them inside the text)."""
    spans, pos = [], 0
    for w in words:
        start = text.find(w, pos)
        if start < 0 or not w:
            return None
        spans.append((start, start + len(w)))
        pos = start + len(w)
    return spans


def significant(value: float, figures: int = 2, signed: bool = False) -> str:
    """`value` with `figures` significant figures in plain decimals (never "0.00" for a value
    that is not zero, never an exponent): 0.97, 0.0031, 1.2, 12, -0.41; at most 6 decimals."""
    import math

    sign = "+" if signed and value >= 0 else ""
    if not math.isfinite(value):
        return f"{value:g}"
    if abs(value) < 5e-7:
        return f"{sign}0"
    decimals = min(6, max(0, figures - 1 - math.floor(math.log10(abs(value)))))
    return f"{value:{sign}.{decimals}f}"


def digits_for(values: list[float], figures: int = 2, least: int = 2, most: int = 4) -> int:
    """Decimals for a column of numbers so that its largest |value| shows at least `figures`
    significant figures: a column of small scores never prints as 0.00 throughout."""
    import math

    top = max((abs(v) for v in values if v is not None and math.isfinite(v)), default=0.0)
    if top == 0:
        return least
    return max(least, min(most, figures - 1 - math.floor(math.log10(top))))
