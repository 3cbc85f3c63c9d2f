"""`model_info` (what the target is) and `capabilities` (what one can ask, with examples).

The capabilities are the catalogue itself: each tool's title and showcase questions
(`examples/<tool>.yaml`), for the tools that fit the loaded model and data, with the questions'
placeholders filled from that model and data (`showcase.py`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .context import ToolContext
from .registry import Result, ToolArgs, tool
from .views import Column, Table, View


class NoArgs(ToolArgs):
    """No arguments."""


class ModelInfoResult(Result):
    name: str
    kind: str
    architecture: str
    parameters: int
    labels: list[str] = Field(default_factory=list)
    max_length: int
    source: str = ""
    trained_on: str | None = None
    base_model: str | None = None
    held_out_accuracy: float | None = None
    held_out_size: int | None = None
    info: dict[str, Any] = Field(default_factory=dict)

    def views(self) -> list[View]:
        """What the model is, as a two-column table of the known facts."""
        rows: list[list[str | int | float | None]] = [
            ["name", self.name], ["kind", self.kind.replace("_", " ")],
            ["architecture", self.architecture], ["parameters", self.parameters],
            ["labels", ", ".join(self.labels) or None], ["max length (tokens)", self.max_length],
            ["trained on", self.trained_on], ["base model", self.base_model],
            ["held-out accuracy", self.held_out_accuracy], ["held-out items", self.held_out_size]]
        return [Table(title="the model", columns=[Column(name="", type="auto"),
                                                  Column(name="", type="auto", digits=3)],
                      rows=[r for r in rows if r[1] not in (None, "")])]

    def summary(self) -> str:
        kind = "text classifier" if self.kind == "classifier" else "causal language model"
        size = (f"{self.parameters / 1e6:.1f}M" if self.parameters >= 1e6
                else f"{self.parameters:,}")
        out = [f"{self.name} is a {kind} ({self.architecture}, {size} parameters, reading at "
               f"most {self.max_length} tokens)."]
        if self.labels:
            out.append(f"Its labels: {', '.join(self.labels)}.")
        if self.base_model:
            out.append(f"It starts from {self.base_model}.")
        out.append(f"Trained on: {self.trained_on}." if self.trained_on
                   else "What it was trained on is not recorded.")
        if self.held_out_accuracy is not None:
            size = f" on {self.held_out_size:,} held-out items" if self.held_out_size else ""
            out.append(f"Measured accuracy{size}: {self.held_out_accuracy:.3f}.")
        return " ".join(out)


@tool("model_info", NoArgs, scope="model")
def model_info(ctx: ToolContext, args: NoArgs) -> ModelInfoResult:
    """What the model is: architecture, size, labels, what it was trained on when known, and its
    held-out accuracy when measured."""
    d = ctx.target.describe()
    known = {"name", "kind", "architecture", "parameters", "labels", "max_length", "source",
             "trained_on", "base_model", "held_out_accuracy", "held_out_size"}
    acc = d.get("held_out_accuracy")
    size = d.get("held_out_size")
    return ModelInfoResult(
        name=str(d["name"]), kind=str(d["kind"]), architecture=str(d["architecture"]),
        parameters=int(d["parameters"]), labels=list(d.get("labels") or []),
        max_length=int(d["max_length"]), source=str(d.get("source") or ""),
        trained_on=d.get("trained_on"), base_model=d.get("base_model"),
        held_out_accuracy=None if acc is None else float(acc),
        held_out_size=None if size is None else int(size),
        info={k: v for k, v in d.items() if k not in known})


class Capability(BaseModel):
    title: str
    tools: list[str]
    examples: list[str]


class CapabilitiesResult(Result):
    sections: list[Capability] = Field(default_factory=list)
    hidden: list[str] = Field(default_factory=list)

    def summary(self) -> str:
        lines = ["You can ask me, for example:"]
        for s in self.sections:
            lines.append(f"- {s.title}: " + " / ".join(s.examples))
        if self.hidden:
            hidden = "; ".join(self.hidden).lower()
            lines.append(f"(Not available for this model and data: {hidden}.)")
        return "\n".join(lines)


@tool("capabilities", NoArgs, scope="model")
def capabilities(ctx: ToolContext, args: NoArgs) -> CapabilitiesResult:
    """What one can ask saywhy about the loaded model and data, with example questions."""
    from . import registry
    from .showcase import fill, values

    known = values(ctx)
    shown, hidden = [], []
    for t in registry.all_tools():
        if not t.text.showcase:
            continue
        if not t.fits(ctx):
            hidden.append(t.text.title)
            continue
        examples = fill(known, t.text.showcase)
        if examples:
            shown.append(Capability(title=t.text.title, tools=[t.name], examples=examples))
    return CapabilitiesResult(sections=shown, hidden=list(dict.fromkeys(hidden)))
