"""The words that go with a tool: `examples/<tool>.yaml` beside the tool modules.

Each file holds
- `title`: the heading of the tool's capability ("Why it said that");
- `showcase`: two or three questions shown in the banner, `/examples`, the capabilities answer and
  the page's chips; `{item}`, `{id}`, `{label}`, `{other_label}`, `{word}` and `{text}` are filled
  from the loaded model and data (`showcase_questions`), so a topic model's user never reads
  about "reviews" or "positive";
- `questions`: the ways people ask for the tool; the offline planner's intent classifier learns
  from them (the numbers and names in them only show a request's shape);
- `cues`: `strong` and `weak` regular expressions of the tool's own vocabulary ("logit lens",
  "counterfactual"), which pull the planner towards the tool when they occur.
It is data, shipped with the package, so that adding a tool means adding its module and its
examples and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class ToolText:
    title: str = ""
    showcase: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    out = []
    for item in raw or []:
        if not isinstance(item, str):  # an unquoted "a: b" became a mapping
            raise ValueError(f"{where}: entry {item!r} is not a text; quote it")
        out.append(item)
    return tuple(out)


@cache
def load_tool_text(name: str) -> ToolText:
    """The text of tool `name`; an empty one when it ships none."""
    import yaml

    path = resources.files("saywhy.tools").joinpath("examples", f"{name}.yaml")
    if not path.is_file():
        return ToolText()
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cues = raw.get("cues") or {}
    for rx in [*(cues.get("strong") or []), *(cues.get("weak") or [])]:
        re.compile(rx)  # a broken pattern fails here, naming nothing else
    return ToolText(title=str(raw.get("title") or name.replace("_", " ").capitalize()),
                    showcase=_strings(raw.get("showcase"), f"{name}.yaml showcase"),
                    questions=_strings(raw.get("questions"), f"{name}.yaml questions"),
                    strong=_strings(cues.get("strong"), f"{name}.yaml cues"),
                    weak=_strings(cues.get("weak"), f"{name}.yaml cues"),
                    extra={k: v for k, v in raw.items()
                           if k not in ("title", "showcase", "questions", "cues")})
