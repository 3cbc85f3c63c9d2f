"""The tool catalogue: every tool the agent, the REPL, the API and an LLM may run, by name.

A tool is a typed function: a pydantic input model (its field descriptions and the docstring
become the LLM's schema and the API's docs), `run(ctx, args) -> Result`, and a Result that says
itself in sentences (`summary()`), shows itself in generic views (`views()`) and becomes JSON at
the edge (`to_json()`). Beside that, a tool declares what the layers above need to know about it,
so that none of them keeps a list of tool names:

- `scope`: what it works on: one `input`, the `dataset` (or the current subset), the `model`,
  or the `conversation` itself;
- `updates`: which dialogue state it moves (`focus`, `subset`, `label`, `method`);
- `kinds` and `needs_data`: which targets it fits; `variant(name, kind, fn)` lets a tool fit
  one more kind of target, with its own implementation for it (same arguments, same result
  model: a table's features are the parts of an input as a text's words are, not a second set
  of tools) or with the tool's own function when that already works for it;
- its examples (`examples/<name>.yaml` beside this module, see `catalogue_text.py`): the
  capability title, showcase questions, the phrasings the offline planner learns from, and
  cue words.

Registration is explicit (`@tool(...)` in the tool's module, imported by `builtin.py`);
duplicates are refused; an unknown name raises an error listing the known ones.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import NotFoundError, ToolArgsError, UserError
from .views import View

if TYPE_CHECKING:
    from .catalogue_text import ToolText
    from .context import ToolContext

Scope = Literal["input", "dataset", "model", "conversation"]
STATE = frozenset({"focus", "subset", "label", "method"})
ALL_KINDS = frozenset({"classifier", "causal_lm"})


class ToolArgs(BaseModel):
    """Base for tool inputs: unknown fields are refused so planner mistakes surface."""

    model_config = ConfigDict(extra="forbid")


class Result(BaseModel):
    """Base for tool outputs. Subclasses override `summary()` and, when they have something to
    show beyond words, `views()`; `remembered()` names what the dialogue keeps from them."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    tool: str = ""
    seconds: float = 0.0

    def summary(self) -> str:
        return ""

    def views(self) -> list[View]:
        """Generic views of the result (word scores, a table, bars, a matrix, text pairs)."""
        return []

    def remembered(self) -> dict[str, str]:
        """What the dialogue state keeps from this result: "label", "method", "generation", or
        "focus" (the id of an item the tool chose itself)."""
        return {}

    def said_by(self, earlier: Result) -> bool:
        """Whether an earlier result of the same turn already said what this one would say
        (then the answer shows this one's views but does not repeat its sentence)."""
        return False

    def to_json(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["summary"] = self.summary()
        data["views"] = [v.model_dump(mode="json") for v in self.views()]
        return data


A = TypeVar("A", bound=ToolArgs)
R = TypeVar("R", bound=Result)


@dataclass(frozen=True)
class Tool(Generic[A, R]):
    name: str
    args_model: type[A]
    fn: Callable[[ToolContext, A], R]
    scope: Scope = "input"
    updates: frozenset[str] = frozenset()
    kinds: frozenset[str] = ALL_KINDS
    needs_data: bool = False
    description: str = field(default="")

    @property
    def doc(self) -> str:
        return self.description or inspect.cleandoc(self.fn.__doc__ or "")

    @property
    def fields(self) -> tuple[str, ...]:
        """The argument names, in the order the input model declares them."""
        return tuple(self.args_model.model_fields)

    def accepts(self, name: str) -> bool:
        return name in self.args_model.model_fields

    @cached_property
    def result_model(self) -> type[Result]:
        hints = get_type_hints(self.fn)
        found = hints.get("return")
        return found if isinstance(found, type) and issubclass(found, Result) else Result

    @cached_property
    def text(self) -> ToolText:
        """Title, showcase questions, example phrasings and cue words (examples/<name>.yaml)."""
        from .catalogue_text import load_tool_text

        return load_tool_text(self.name)

    @property
    def all_kinds(self) -> frozenset[str]:
        """The kinds of target the tool runs on: its own and its variants'."""
        return self.kinds | {kind for name, kind in _VARIANTS if name == self.name}

    def fits(self, ctx: ToolContext) -> bool:
        return ctx.target.kind in self.all_kinds and not (self.needs_data and ctx.data is None)

    def validate(self, args: dict[str, Any] | BaseModel | None) -> A:
        if isinstance(args, self.args_model):
            return args
        if isinstance(args, BaseModel):
            raw = args.model_dump(exclude_none=True)
        else:
            raw = dict(args or {})
        try:
            return self.args_model.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in exc.errors())
            raise ToolArgsError(f"Bad arguments for {self.name}: {problems}.") from None

    def run(self, ctx: ToolContext, args: dict[str, Any] | BaseModel | None = None) -> R:
        valid = self.validate(args)
        if ctx.target.kind not in self.all_kinds:
            kinds = " or ".join(k.replace("_", " ") for k in sorted(self.all_kinds))
            raise UserError(f"{self.name.replace('_', ' ')} works on {kinds} models; "
                            f"{ctx.target.name} is a {ctx.target.kind.replace('_', ' ')}.")
        if self.needs_data and ctx.data is None:
            raise UserError(f"{self.name.replace('_', ' ')} needs a dataset; start saywhy with "
                            "--data FILE.")
        started = time.perf_counter()
        result = _VARIANTS.get((self.name, ctx.target.kind), self.fn)(ctx, valid)
        result.tool = self.name
        result.seconds = round(time.perf_counter() - started, 4)
        return result

    def json_schema(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.doc,
                "parameters": self.args_model.model_json_schema()}

    def card(self) -> dict[str, Any]:
        """What `GET /api/v1/tools` and `saywhy tool list` show of the tool."""
        return {**self.json_schema(), "scope": self.scope, "kinds": sorted(self.all_kinds),
                "needs_data": self.needs_data, "updates": sorted(self.updates),
                "title": self.text.title, "examples": list(self.text.showcase)}


_REGISTRY: dict[str, Tool[Any, Any]] = {}
_VARIANTS: dict[tuple[str, str], Callable[[Any, Any], Any]] = {}


def variant(name: str, kind: str, fn: Callable[[Any, Any], Any] | None = None) -> None:
    """Let the registered tool `name` run on targets of `kind`: with `fn`, that is its
    implementation there (it takes the tool's args and returns its result model, or a subclass
    of it); without, the tool's own function, which already works for that kind."""
    found = _REGISTRY.get(name)
    if found is None:
        raise ValueError(f"No tool named {name!r} to give a {kind} variant.")
    _VARIANTS[(name, kind)] = fn or found.fn


def register(tool: Tool[Any, Any]) -> Tool[Any, Any]:
    if tool.name in _REGISTRY:
        raise ValueError(f"A tool named {tool.name!r} is already registered.")
    unknown = set(tool.updates) - STATE
    if unknown:
        raise ValueError(f"Tool {tool.name!r} declares unknown state {sorted(unknown)}.")
    _REGISTRY[tool.name] = tool
    return tool


def tool(name: str, args: type[A], *, scope: Scope = "input", updates: set[str] | None = None,
         kinds: set[str] | None = None,
         needs_data: bool = False) -> Callable[[Callable[[ToolContext, A], R]], Tool[A, R]]:
    """Decorator: `@tool("predict", PredictArgs, scope="input", updates={"focus"})` registers
    the function as a tool."""

    def wrap(fn: Callable[[ToolContext, A], R]) -> Tool[A, R]:
        t: Tool[A, R] = Tool(name=name, args_model=args, fn=fn, scope=scope,
                             updates=frozenset(updates or ()),
                             kinds=frozenset(kinds or ALL_KINDS), needs_data=needs_data)
        register(t)
        return t

    return wrap


def _load_builtin() -> None:
    from . import builtin  # noqa: F401  (importing registers the tools)


def get(name: str) -> Tool[Any, Any]:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise NotFoundError(
            f"Unknown tool {name!r}. Known tools: {', '.join(sorted(_REGISTRY))}.") from None


def find(name: str) -> Tool[Any, Any] | None:
    """The tool called `name`, or None."""
    _load_builtin()
    return _REGISTRY.get(name)


def names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def all_tools() -> list[Tool[Any, Any]]:
    """Every tool in the catalogue's order: `builtin.py`'s order of modules (the most asked
    first), then any other tool in the order it was registered. Not simply the order of
    registration: importing one tool's module early (`from saywhy.tools import attention`)
    would otherwise move it ahead, and the planner's first-taker choices with it."""
    _load_builtin()
    from .builtin import MODULES

    rank = {m: i for i, m in enumerate(MODULES)}
    return sorted(_REGISTRY.values(),
                  key=lambda t: rank.get(getattr(t.fn, "__module__", ""), len(rank)))


def with_scope(*scopes: Scope) -> list[Tool[Any, Any]]:
    """The tools working on one of `scopes`, by name."""
    return [t for t in all_tools() if t.scope in scopes]


def result_from_json(data: dict[str, Any]) -> Result:
    """A result back from its JSON (a stored turn), typed by its tool's result model."""
    found = find(str(data.get("tool", "")))
    model = found.result_model if found is not None else Result
    body = {k: v for k, v in data.items() if k not in ("summary", "views")}
    try:
        return model.model_validate(body)
    except ValidationError:
        return Result(tool=str(data.get("tool", "")), seconds=float(data.get("seconds") or 0.0))
