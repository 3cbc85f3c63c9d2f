"""The attribution result and the registry of methods, looked up by name (like inseq's).

A method turns an `Objective` (the one number being explained, f(x), plus ways to evaluate it on
edited inputs or differentiate it) into one signed score per word. Methods register themselves
with `@method(...)`; an unknown name is a UserError that lists the valid ones for the target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from ..errors import UserError

if TYPE_CHECKING:
    from .objective import Objective


class WordAttribution(BaseModel):
    """Signed word scores towards `label` (or `label` rather than `contrast`).

    `target_value` is f(x), the explained number; `base_value` is the method's reference output
    (all words masked or removed; for LIME the local model's intercept). `unit` says what f is.
    """

    words: list[str]
    spans: list[tuple[int, int]]
    scores: list[float]
    base_value: float
    target_value: float
    label: str
    method: str
    truncated: bool = False
    contrast: str | None = None
    unit: str = "log-odds"
    n_words_total: int = 0
    label_index: int | None = None
    contrast_index: int | None = None
    span: tuple[int, int] | None = None
    span_text: str | None = None
    extras: dict[str, Any] = Field(default_factory=dict)
    seconds: float = 0.0

    def ranking(self) -> list[int]:
        """Word indices, most supportive first (signed score descending; ties by position)."""
        return sorted(range(len(self.scores)), key=lambda i: (-self.scores[i], i))

    def top(self, k: int) -> list[int]:
        """Indices of the k words with the largest |score|."""
        return sorted(range(len(self.scores)), key=lambda i: (-abs(self.scores[i]), i))[:k]


MethodFn = Callable[["Objective", int], tuple[list[float], float, dict[str, Any]]]


@dataclass(frozen=True)
class Method:
    """A named attribution method: `fn(objective, seed) -> (word scores, base value, extras)`."""

    name: str
    fn: MethodFn
    kinds: frozenset[str]
    title: str
    description: str


METHODS: dict[str, Method] = {}


def method(name: str, *, title: str, description: str,
           kinds: tuple[str, ...] = ("classifier",)) -> Callable[[MethodFn], MethodFn]:
    """Register an attribution method under `name`."""

    def wrap(fn: MethodFn) -> MethodFn:
        if name in METHODS:
            raise ValueError(f"Attribution method {name!r} is registered twice.")
        METHODS[name] = Method(name, fn, frozenset(kinds), title, description)
        return fn

    return wrap


def names_for(kind: str) -> list[str]:
    """Methods that work on a target of this kind, in registration order."""
    return [m.name for m in METHODS.values() if kind in m.kinds]


def get_method(name: str, kind: str) -> Method:
    """The method called `name`, or a UserError listing the valid ones for this kind of model."""
    valid = names_for(kind)
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    key = ALIASES.get(key, key)
    if key not in METHODS:
        raise UserError(f"Unknown attribution method {name!r}; choose one of: {', '.join(valid)}.")
    if key not in valid:
        raise UserError(f"{key} does not work on a {kind.replace('_', ' ')}; "
                        f"the supported methods are: {', '.join(valid)}.")
    return METHODS[key]


ALIASES = {"ig": "integrated_gradients", "gxi": "gradient_x_input",
           "input_x_gradient": "gradient_x_input", "grad_x_input": "gradient_x_input",
           "partition_shap": "shap", "leave_one_out": "occlusion"}
