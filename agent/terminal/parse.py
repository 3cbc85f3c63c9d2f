"""`saywhy parse`: the planner only — the tool calls it would make, without running any tool.

The offline planner needs only the target's labels and kind and the number of data items, so
parse does not load the target model when it can read them cheaply: from `config.json`
(`id2label`, `architectures`) of the built demo or of a model directory; demo-lm is a causal LM
with no labels. A .gguf file or a hub id is loaded in full. The dialogue state is updated as if
the calls had run (the focus from their id/text, the last tool/method/label) by
`Conversation.plan`; a `filter` call cannot set a subset without running, so the subset stays
unset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saywhy.tools.errors import UserError

if TYPE_CHECKING:
    from saywhy.agent.bootstrap import DataSpec


@dataclass
class LabelsOnly:
    """Enough of a Target for planning: name, kind, labels."""

    name: str
    kind: str
    labels: list[str] = field(default_factory=list)
    architecture: str = ""


@dataclass
class PlanningContext:
    """Enough of a ToolContext for planning: the target's description and the data."""

    target: Any
    data: Any = None
    subset: Any = None
    seed: int = 0

    def check(self) -> None:
        """Nothing runs on a planning context, so nothing needs stopping (the LLM planner
        checks its turn between rounds)."""


def _from_config(path: Path, name: str) -> LabelsOnly | None:
    from saywhy.tools.target.loading import _kind_of

    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = _kind_of(config)
    id2label = {str(k): str(v) for k, v in (config.get("id2label") or {}).items()}
    n = int(config.get("num_labels") or len(id2label)) if kind == "classifier" else 0
    labels = [id2label.get(str(i), f"LABEL_{i}") for i in range(n)]
    arch = (config.get("architectures") or [""])[0]
    return LabelsOnly(name=name, kind=kind, labels=labels, architecture=str(arch))


def cheap_target(model: str) -> LabelsOnly | None:
    """The labels and kind without loading weights, or None when only a full load can tell."""
    if model == "demo-lm":
        return LabelsOnly(name="demo-lm", kind="causal_lm", architecture="LlamaForCausalLM")
    if model == "demo-sentiment":
        from saywhy.tools.target.demo import LABELS, META, demo_dir

        built = demo_dir()
        found = _from_config(built, model) if (built / META).is_file() else None
        return found or LabelsOnly(name=model, kind="classifier", labels=list(LABELS),
                                   architecture="BertForSequenceClassification")
    path = Path(model).expanduser()
    if path.is_dir() and (path / "config.json").is_file():
        return _from_config(path, path.name)
    return None


def planning_context(model: str, data: str | DataSpec | None,
                     allow_pickle: bool = False) -> Any:
    """A context for the planner: labels/kind read cheaply when possible, the data loaded as for
    answering (the same columns, item noun and reconciled gold labels, `bootstrap.load_data`),
    so the planner sees the ids and labels the tools would."""
    from saywhy.agent.bootstrap import DataSpec, load_data

    spec = data if isinstance(data, DataSpec) else DataSpec(path=data)
    target = cheap_target(model)
    if target is None:
        from saywhy.agent.bootstrap import load_context

        return load_context(model, spec, allow_pickle=allow_pickle)
    from saywhy.tools.target.loading import quiet_transformers

    quiet_transformers()  # the planner's sentence encoder would otherwise draw a loading bar
    dataset = load_data(spec, target.labels)
    if dataset is None and model in ("demo-sentiment", "demo-lm"):
        from saywhy.tools.data.demo import demo_dataset

        dataset = demo_dataset()
        if spec.item_name:  # a copy: the demo corpus is shared by the whole process
            dataset = replace(dataset, item_name=spec.item_name)
    return PlanningContext(target=target, data=dataset)


def read_batch(path: str) -> list[str]:
    """The questions of a batch file, one a line (blank lines skipped). A file that cannot be
    read, is not UTF-8 text or holds no question is the user's to fix, said in one sentence."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text (byte {exc.start} cannot be read).",
                        hint="Save it as UTF-8, one question per line.") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}.") from None
    questions = [line.rstrip("\r") for line in text.split("\n") if line.strip()]
    if not questions:
        raise UserError(f"{path} has no questions: it is empty or holds only blank lines.",
                        hint="Write one question per line.")
    return questions


def plan_turn(conv: Any, question: str) -> dict[str, Any]:
    """Plan one question on `conv`'s state and update the state as if the calls had run."""
    plan = conv.plan(question)
    turn: dict[str, Any] = {"question": question,
                            "calls": [{"tool": c.tool, "args": c.args} for c in plan.calls]}
    if plan.clarify:
        turn["clarify"] = plan.clarify
    if plan.choices:  # the readings offered, each with the calls it would make
        turn["choices"] = [{"text": ch.text, "calls": [{"tool": c.tool, "args": c.args}
                                                       for c in ch.calls]}
                           for ch in plan.choices]
    if plan.reply:
        turn["reply"] = plan.reply
    return turn


def parse_questions(conv: Any, questions: list[str], *, fresh: bool) -> list[dict[str, Any]]:
    """Plan each question: all in one conversation, or (`fresh`) each from an empty state (the
    planner is reused: building one may train its intent classifier)."""
    from saywhy.agent.state import DialogueState

    out = []
    for q in questions:
        if fresh:
            conv.state = DialogueState()
            conv.ctx.subset = None
        out.append(plan_turn(conv, q))
    return out
