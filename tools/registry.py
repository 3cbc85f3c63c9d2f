"""The tool registry: every tool the agent, the REPL and the API may run, looked up by name.

A tool is a typed function: a pydantic input model (its field descriptions and the docstring
become the LLM's schema and the API's docs), `run(ctx, args) -> Result`, and a Result that
renders as sentences (`summary()`) and as JSON (`to_json()`). Registration is explicit;
duplicates are refused; an unknown name raises an error listing the known ones.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import NotFoundError, ToolArgsError

if TYPE_CHECKING:
    from .context import ToolContext


class ToolArgs(BaseModel):
    """Base for tool inputs: unknown fields are refused so planner mistakes surface."""

    model_config = ConfigDict(extra="forbid")


class Result(BaseModel):
    """Base for tool outputs. Subclasses override `summary()`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    tool: str = ""
    seconds: float = 0.0

    def summary(self) -> str:
        return ""

    def to_json(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["summary"] = self.summary()
        return data


A = TypeVar("A", bound=ToolArgs)
R = TypeVar("R", bound=Result)


@dataclass(frozen=True)
class Tool(Generic[A, R]):
    name: str
    args_model: type[A]
    fn: Callable[[ToolContext, A], R]
    kinds: frozenset[str] = frozenset({"classifier", "causal_lm"})
    needs_data: bool = False
    description: str = field(default="")

    @property
    def doc(self) -> str:
        return self.description or inspect.cleandoc(self.fn.__doc__ or "")

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
        from .errors import UserError

        valid = self.validate(args)
        if ctx.target.kind not in self.kinds:
            raise UserError(f"{self.name} works on {' or '.join(sorted(self.kinds))} models; "
                            f"{ctx.target.name} is a {ctx.target.kind.replace('_', ' ')}.")
        if self.needs_data and ctx.data is None:
            raise UserError(f"{self.name} needs a dataset; start saywhy with --data FILE.")
        started = time.perf_counter()
        result = self.fn(ctx, valid)
        result.tool = self.name
        result.seconds = round(time.perf_counter() - started, 4)
        return result

    def json_schema(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.doc,
                "parameters": self.args_model.model_json_schema()}


_REGISTRY: dict[str, Tool[Any, Any]] = {}


def register(tool: Tool[Any, Any]) -> Tool[Any, Any]:
    if tool.name in _REGISTRY:
        raise ValueError(f"A tool named {tool.name!r} is already registered.")
    _REGISTRY[tool.name] = tool
    return tool


def tool(name: str, args: type[A], *, kinds: set[str] | None = None,
         needs_data: bool = False) -> Callable[[Callable[[ToolContext, A], R]], Tool[A, R]]:
    """Decorator: `@tool("predict", PredictArgs)` registers the function as a tool."""

    def wrap(fn: Callable[[ToolContext, A], R]) -> Tool[A, R]:
        t: Tool[A, R] = Tool(name=name, args_model=args, fn=fn,
                             kinds=frozenset(kinds or {"classifier", "causal_lm"}),
                             needs_data=needs_data)
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


def names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def all_tools() -> list[Tool[Any, Any]]:
    _load_builtin()
    return [_REGISTRY[n] for n in sorted(_REGISTRY)]
