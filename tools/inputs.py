"""Argument pieces shared by tools, so `id`, `text`, `label`, `method` and `k` mean one thing.

An item id is the user's id as the data writes it: a whole number (12) or, when the data's ids
are names, the name ("CASE-7"). Tools never look it up themselves: `ToolContext.key` (and
`resolve`, which uses it) turns it into the item's key in one place, `Dataset.key`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from .registry import ToolArgs

ItemId = Annotated[int, Field(ge=0)] | Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ID_HELP = ("The item's id as the data writes it: a number such as 12, or a name such as "
           "\"CASE-7\" when the data's ids are names.")
ID_FIELD = Field(default=None, description=ID_HELP)
TEXT_FIELD = Field(default=None, max_length=100_000,
                   description="A free text to work on instead of a dataset item.")


class InputArgs(ToolArgs):
    """An input addressed by `id` (a dataset item) or `text` (free text).

    Both at once is a planner mistake (ToolArgsError); neither, or an empty text, is reported
    to the user by `ToolContext.resolve` (UserError), and so is an id no item has.
    """

    id: ItemId | None = ID_FIELD
    text: str | None = TEXT_FIELD

    @model_validator(mode="after")
    def _one_input(self) -> InputArgs:
        if self.id is not None and self.text:
            raise ValueError("give either `id` or `text`, not both")
        return self
