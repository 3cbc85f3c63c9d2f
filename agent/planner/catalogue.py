"""The planner's reading of the tool catalogue: which part each tool plays in a question.

The planner names no tool. What it needs to know it reads from what every tool declares in
tools/registry.py (scope, the state it updates, its arguments and their types) and from the
catalogue's order (`tools/builtin.py` registers what people ask most first), so that a new tool
of the same shape is planned the same way without a line here:

- input tools (scope "input") work on one item or text: they take `id` / `text`;
- subset tools: the *selector* (the tool that updates the subset: conditions become its
  arguments) and the *lister* (the dataset tool that pages through items: it takes `page`);
- dataset tools (scope "dataset", the subset tools aside) work on the data or the current
  subset; among them the *graders* compare the model's predictions with the gold labels (they
  need data, fit classifiers only and move no dialogue state): a grader of scores takes "the ones you got
  wrong" as a condition, a grader that lists items (it takes `k`, how many to show) lists the
  ones it got wrong, so right and wrong are its own business; the *describer* sizes the data
  itself (it fits every kind of target and moves no dialogue state);
- the *explainers* are the input tools that run an attribution method (they take a `method`
  and no second one to `compare` it with); the first of them is where a method or a label goes
  when no earlier call takes it ("and with IG?", "why positive?");
- the natural taker of any other argument is the first tool, in the catalogue's order, that
  takes it (a layer, an edit, a page); the *predictor*, the first input tool, is where a bare
  input goes ("review 14").
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, Union, get_args, get_origin

INPUT = ("id", "text")  # the arguments naming the input itself, never a setting


@dataclass(frozen=True)
class Catalogue:
    order: tuple[str, ...]
    scope: dict[str, str]
    fields: dict[str, tuple[str, ...]]
    values: dict[tuple[str, str], frozenset[str]]
    kinds: dict[str, frozenset[str]]
    updates: dict[str, frozenset[str]]
    needs_data: frozenset[str] = frozenset()
    titles: tuple[tuple[str, str], ...] = ()
    k_words: frozenset[str] = frozenset()  # tools whose `k` counts words (not items)
    runs_on: tuple[tuple[str, frozenset[str]], ...] = ()  # kinds incl. variants (tables)

    def title(self, tool: str) -> str:
        """The tool's capability title ("Why it said that"), for offering it as a reading."""
        return dict(self.titles).get(tool) or tool.replace("_", " ").capitalize()

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(self.order)

    def of_scope(self, *scopes: str) -> list[str]:
        return [n for n in self.order if self.scope[n] in scopes]

    def takes(self, tool: str, arg: str) -> bool:
        return arg in self.fields.get(tool, ())

    def takers(self, arg: str, scope: str | None = None) -> list[str]:
        """The tools that take `arg` (of `scope`), in the catalogue's order."""
        return [n for n in self.order
                if arg in self.fields[n] and (scope is None or self.scope[n] == scope)]

    def natural(self, arg: str, scope: str = "input") -> str:
        """Where `arg` goes when no earlier call takes it: its first taker of `scope`."""
        found = self.takers(arg, scope)
        if not found:
            raise LookupError(f"No {scope} tool of the catalogue takes {arg!r}.")
        return found[0]

    def settings(self, tool: str) -> tuple[str, ...]:
        """The arguments of `tool` besides its input, in the order its model declares them."""
        return tuple(f for f in self.fields.get(tool, ()) if f not in INPUT)

    def allows(self, tool: str, arg: str, value: str) -> bool:
        """Whether `tool` takes `arg` with this value (a `Literal` field takes only its own)."""
        allowed = self.values.get((tool, arg))
        return self.takes(tool, arg) and (allowed is None or value in allowed)

    def fits(self, tool: str, kind: str) -> bool:
        return kind in (dict(self.runs_on).get(tool) or self.kinds.get(tool, frozenset({kind})))

    # ---- the parts tools play ------------------------------------------------------------------
    @cached_property
    def inputs(self) -> frozenset[str]:
        return frozenset(self.of_scope("input"))

    @cached_property
    def selector(self) -> str:
        found = [n for n in self.order if "subset" in self.updates[n]]
        return self._one(found, "updates the subset")

    @cached_property
    def lister(self) -> str:
        return self._one(self.takers("page", "dataset"), "pages through the data")

    @cached_property
    def subset_tools(self) -> frozenset[str]:
        return frozenset({self.selector, self.lister})

    @cached_property
    def dataset(self) -> frozenset[str]:
        return frozenset(self.of_scope("dataset")) - self.subset_tools

    @cached_property
    def graders(self) -> frozenset[str]:
        return frozenset(n for n in self.dataset if n in self.needs_data
                         and self.kinds[n] == {"classifier"} and not self.updates[n])

    @cached_property
    def mistake_listers(self) -> frozenset[str]:
        return frozenset(n for n in self.graders if self.takes(n, "k"))

    @cached_property
    def describer(self) -> str:
        everything = frozenset().union(*self.kinds.values())
        return self._one([n for n in self.order if n in self.dataset
                          and self.kinds[n] == everything and not self.updates[n]],
                         "describes the data")

    @cached_property
    def explainers(self) -> frozenset[str]:
        return frozenset(n for n in self.takers("method", "input") if not self.takes(n, "compare"))

    @cached_property
    def explainer(self) -> str:
        return self._one([n for n in self.order if n in self.explainers], "explains an input")

    @cached_property
    def checker(self) -> str:
        """The input tool that checks an attribution method (or two against each other)."""
        return self._one([n for n in self.takers("method", "input") if self.takes(n, "compare")],
                         "checks an explanation")

    @cached_property
    def flipper(self) -> str:
        """The input tool that fits classifiers only: it looks for what flips their label."""
        return self._one([n for n in self.of_scope("input") if self.kinds[n] == {"classifier"}],
                         "flips a classifier's label")

    @cached_property
    def finder(self) -> str:
        """The input tool that needs the data: it finds the items like an input."""
        return self._one([n for n in self.of_scope("input") if n in self.needs_data],
                         "finds items like an input")

    @cached_property
    def drawer(self) -> str:
        """The dataset tool that puts items in focus without being told which: a random draw."""
        return self._one([n for n in self.dataset if "focus" in self.updates[n]
                          and not self.takes(n, "id") and not self.takes(n, "ids")],
                         "draws items")

    @cached_property
    def keyworder(self) -> str:
        """The dataset tool that lists the words typical of a label or subset (a statistic of the
        data: it takes a label and k, no method, and moves no focus)."""
        return self._one([n for n in self.order if n in self.dataset and self.takes(n, "label")
                          and self.takes(n, "k") and not self.takes(n, "method")
                          and "focus" not in self.updates[n]], "lists typical words")

    @cached_property
    def scorer(self) -> str:
        """The grader that scores the predictions (rather than listing the wrong ones)."""
        return self._one([n for n in self.order if n in self.graders - self.mistake_listers],
                         "scores the predictions")

    def role(self, name: str) -> str:
        """A tool by the part it plays ("checker", "lister", "natural:layer" ...)."""
        if name.startswith("natural:"):
            return self.natural(name.split(":", 1)[1])
        if name.startswith("dataset:"):
            return self.natural(name.split(":", 1)[1], "dataset")
        return str(getattr(self, name))

    @cached_property
    def predictor(self) -> str:
        return self._one(self.of_scope("input"), "works on one input")

    @staticmethod
    def _one(found: list[str], what: str) -> str:
        if not found:
            raise LookupError(f"No tool of the catalogue {what}.")
        return found[0]


def _literals(annotation: Any) -> frozenset[str] | None:
    """The values a `Literal[...]` (or an optional one) allows; None for any other type."""
    if get_origin(annotation) is Literal:
        return frozenset(str(v) for v in get_args(annotation))
    if get_origin(annotation) in (Union, types.UnionType):
        found = [_literals(a) for a in get_args(annotation) if a is not type(None)]
        if found and all(f is not None for f in found):
            return frozenset().union(*(f for f in found if f is not None))
    return None


_CACHE: dict[tuple[str, ...], Catalogue] = {}


def catalogue() -> Catalogue:
    """The catalogue as the planner reads it (read again when a tool is registered)."""
    from saywhy.tools import registry

    tools = registry.all_tools()
    key = tuple(f"{t.name}@{id(t)}" for t in tools)  # a tool replaced under its name reads anew
    if key not in _CACHE:
        values = {}
        for t in tools:
            for name, info in t.args_model.model_fields.items():
                allowed = _literals(info.annotation)
                if allowed is not None:
                    values[(t.name, name)] = allowed
        _CACHE[key] = Catalogue(
            order=tuple(t.name for t in tools), scope={t.name: t.scope for t in tools},
            fields={t.name: t.fields for t in tools}, values=values,
            kinds={t.name: t.kinds for t in tools}, updates={t.name: t.updates for t in tools},
            needs_data=frozenset(t.name for t in tools if t.needs_data),
            titles=tuple((t.name, t.text.title) for t in tools),
            runs_on=tuple((t.name, t.all_kinds) for t in tools),
            k_words=frozenset(t.name for t in tools if "k" in t.args_model.model_fields
                              and re.search(r"\bwords?\b|\btokens?\b",
                                            t.args_model.model_fields["k"].description or "")))
    return _CACHE[key]
