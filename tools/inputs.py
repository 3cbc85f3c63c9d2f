"""Argument pieces shared by tools, so `id`, `text`, `label`, `method` and `k` mean one thing."""

from __future__ import annotations

from pydantic import Field, model_validator

from .registry import ToolArgs

ID_FIELD = Field(default=None, ge=0, description="Id of a dataset item (12 for item #12).")
TEXT_FIELD = Field(default=None, max_length=100_000,
                   description="A free text to work on instead of a dataset item.")


class InputArgs(ToolArgs):
    """An input addressed by `id` (a dataset item) or `text` (free text).

    Both at once is a planner mistake (ToolArgsError); neither, or an empty text, is reported
    to the user by `ToolContext.resolve` (UserError).
    """

    id: int | None = ID_FIELD
    text: str | None = TEXT_FIELD

    @model_validator(mode="after")
    def _one_input(self) -> InputArgs:
        if self.id is not None and self.text:
            raise ValueError("give either `id` or `text`, not both")
        return self
