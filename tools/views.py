"""Generic views of a result: what the terminal and the page draw, whatever tool made it.

A result lists its views (`Result.views()`); each is one of a few shapes, told apart by `kind`.
The terminal (`agent/terminal/views.py`) and the page (`server/static/app.js`) each draw every
kind once, so a new tool needs no drawing code of its own, in Python or in JavaScript.

- `word_scores`: words of one text with a score each (attributions, attention, token
  probabilities), signed or not, coloured on a colour-blind-safe scale;
- `bars`: named values as bars (global importance, probabilities, feature contributions);
- `table`: columns and rows (items, mistakes, similar items, metrics);
- `matrix`: a labelled grid (confusion matrix, attention heat map, layers × labels);
- `text_pairs`: before/after texts with a note each (what-if, counterfactuals).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field


class WordScores(BaseModel):
    kind: Literal["word_scores"] = "word_scores"
    title: str = ""
    words: list[str]
    scores: list[float | None] = Field(description="One per word; None: not scored.")
    signed: bool = True
    label: str | None = Field(default=None, description="What a positive score pushes towards.")
    note: str = ""


class Bars(BaseModel):
    kind: Literal["bars"] = "bars"
    title: str = ""
    names: list[str]
    values: list[float]
    signed: bool = True
    unit: str = ""


class Table(BaseModel):
    kind: Literal["table"] = "table"
    title: str = ""
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""


class Matrix(BaseModel):
    kind: Literal["matrix"] = "matrix"
    title: str = ""
    rows: list[str]
    columns: list[str]
    values: list[list[float | None]]
    row_title: str = ""
    column_title: str = ""


class TextPair(BaseModel):
    before: str
    after: str
    note: str = ""
    changed: bool = True


class TextPairs(BaseModel):
    kind: Literal["text_pairs"] = "text_pairs"
    title: str = ""
    pairs: list[TextPair]


View = Annotated[WordScores | Bars | Table | Matrix | TextPairs, Field(discriminator="kind")]
