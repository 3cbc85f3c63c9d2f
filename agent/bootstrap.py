"""Load a target and its dataset into a ToolContext: shared by the terminal, the server, MCP.

The data's columns are named by the user or guessed, and its gold labels are reconciled with the
model's labels here, once, where model and data meet (`saywhy.tools.data.labels`); what was
guessed or matched is kept in `ctx.data.notes` for the caller to say once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from saywhy.tools.context import ToolContext
from saywhy.tools.errors import UserError
from saywhy.tools.turn import OnProgress

if TYPE_CHECKING:
    from saywhy.tools.data.dataset import Dataset
    from saywhy.tools.target.base import Target
    from saywhy.tools.target.tabular import TabularTarget

    from .settings import Settings


@dataclass(frozen=True)
class DataSpec:
    """How to read the user's data file: which column is which, and what an item is called."""

    path: str | None = None
    text_column: str | None = None
    label_column: str | None = None
    id_column: str | None = None
    item_name: str | None = None
    labels: str | None = None  # `--labels`: names for a table model's classes, gold read by them

    @classmethod
    def from_settings(cls, settings: Settings) -> DataSpec:
        """The data the settings name (`SAYWHY_DATA`, `SAYWHY_TEXT_COLUMN` ... or flags)."""
        return cls(path=settings.data, text_column=settings.text_column,
                   label_column=settings.label_column, id_column=settings.id_column,
                   item_name=settings.item_name, labels=settings.labels)


def load_data(spec: DataSpec, labels: list[str]) -> Dataset | None:
    """The dataset of `spec` with its gold labels in the model's spelling (None without a path)."""
    from saywhy.tools.data import load_dataset
    from saywhy.tools.data.labels import reconcile

    if not spec.path:
        return None
    dataset = load_dataset(spec.path, text_column=spec.text_column,
                           label_column=spec.label_column, id_column=spec.id_column,
                           item_name=(spec.item_name or "item").strip() or "item")
    reconcile(dataset, labels)
    return dataset


def name_classes(target: Target, labels: str | None) -> None:
    """Give a table model's classes the names of `--labels` (before its data is read through
    them). A Hugging Face model's names are its config's `id2label`: --labels is refused for it
    rather than half-applied (its gold labels and id2label would disagree)."""
    from saywhy.tools.target.class_names import parse_labels
    from saywhy.tools.target.tabular import TabularTarget

    if not labels:
        return
    if not isinstance(target, TabularTarget):
        raise UserError(f"--labels names the classes of a table (scikit-learn) model; "
                        f"{target.name} takes its label names from its config (id2label).",
                        hint="Leave out --labels (and SAYWHY_LABELS) for this model.")
    target.name_classes(parse_labels(labels))


def load_table_data(spec: DataSpec, target: TabularTarget) -> Dataset | None:
    """A table model's data: the user's CSV/Parquet (feature columns, gold label and id
    columns named or guessed), or the diabetes table for the demo."""
    from saywhy.tools.data.table import load_table

    if spec.path:
        return load_table(spec.path, target=target, label_column=spec.label_column,
                          id_column=spec.id_column,
                          item_name=(spec.item_name or "row").strip() or "row")
    if target.name == "demo-tabular":
        from saywhy.tools.tabular.demo import demo_table

        return demo_table(target)
    return None


def load_context(model: str = "demo-sentiment", data: str | DataSpec | None = None, *,
                 allow_pickle: bool = False, on_progress: OnProgress | None = None) -> ToolContext:
    """The text demos come with the Rotten Tomatoes corpus, demo-tabular with the diabetes
    table; other models take `data` or none."""
    from saywhy.tools import distributed
    from saywhy.tools.data.demo import demo_dataset
    from saywhy.tools.target import DEMO_MODELS, load_target
    from saywhy.tools.target.classifier import HFClassifier
    from saywhy.tools.target.tabular import TabularTarget

    from .settings import get_settings

    distributed.configure_default(get_settings().ray_address)  # a --ray flag chose already
    spec = data if isinstance(data, DataSpec) else DataSpec(path=data)
    target = load_target(model, allow_pickle=allow_pickle, on_progress=on_progress)
    name_classes(target, spec.labels)
    if isinstance(target, HFClassifier):
        target.windows = get_settings().windows
    dataset: Dataset | None
    if isinstance(target, TabularTarget):
        from saywhy.tools.tabular.variants import warm

        ctx = ToolContext(target=target, data=load_table_data(spec, target))
        if ctx.data is not None:  # shap's import and the explainer, while the user types
            threading.Thread(target=warm, args=(ctx,), daemon=True).start()
        return ctx
    if spec.path:
        dataset = load_data(spec, list(target.labels))
    elif model in DEMO_MODELS:
        dataset = demo_dataset()
        if spec.item_name:
            dataset.item_name = spec.item_name
    else:
        dataset = None
    return ToolContext(target=target, data=dataset)
