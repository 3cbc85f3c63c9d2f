"""Gold labels reconciled with the model's labels, once, when data and model meet.

A user's file rarely spells labels the way the model does: Hugging Face datasets store integers
(0/1/2, meaning the model's `id2label`), people write `Sports` for `sports` or `technical_issue`
for `technical issue`. Matching them once at load means every tool compares like with like; a
file whose labels match none of the model's is an error naming both sets, and a partial match is
a warning with counts — never a silently wrong accuracy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import UserError

if TYPE_CHECKING:
    from .dataset import Dataset

_INT = re.compile(r"^[+-]?\d+(?:\.0+)?$")


def norm(label: str) -> str:
    """A label as compared: case, underscores, hyphens and spacing folded."""
    return " ".join(re.sub(r"[_\-]+", " ", str(label)).lower().split())


def _listing(values: Sequence[str], n: int = 8) -> str:
    shown = ", ".join(repr(v) for v in values[:n])
    return shown + (f" and {len(values) - n} more" if len(values) > n else "")


def reconcile(data: Dataset, labels: Sequence[str]) -> None:
    """Rewrite `data`'s gold labels in the model's spelling (integers through `id2label`), and
    add a note saying what was done; raise UserError when none of them is a model label."""
    if not data.has_labels or not labels:
        return
    gold = data.frame["label"]
    present = gold.dropna()
    if present.empty:
        return
    values = sorted({str(v) for v in present})
    names = [str(x) for x in labels]
    by_norm = {norm(x): x for x in names}
    if all(_INT.match(v) for v in values) and not all(norm(v) in by_norm for v in values):
        ints = {v: int(float(v)) for v in values}
        if all(0 <= i < len(names) for i in ints.values()):
            mapping = {v: names[i] for v, i in ints.items()}
            data.frame["label"] = gold.map(lambda v: None if v is None else mapping[str(v)])
            pairs = ", ".join(f"{i} = {names[i]}" for i in sorted(set(ints.values())))
            data.notes.append(f"gold labels are numbers, read as the model's labels ({pairs}).")
            return
    mapping = {v: by_norm[norm(v)] for v in values if norm(v) in by_norm}
    unknown = [v for v in values if v not in mapping]
    if not mapping:
        raise UserError(f"None of the gold labels in {data.name} ({_listing(values)}) is a label "
                        f"of the model ({_listing(names)}). Name the right column with "
                        "--label-column, or relabel the file with the model's label names.")
    data.frame["label"] = gold.map(lambda v: None if v is None else mapping.get(str(v)))
    respelled = [v for v, m in mapping.items() if v != m]
    if respelled:
        data.notes.append("gold labels matched to the model's spelling: "
                          + ", ".join(f"{v!r} = {mapping[v]!r}" for v in respelled[:8]) + ".")
    if unknown:
        lost = int(present.astype(str).isin(unknown).sum())
        data.notes.append(f"warning: {lost:,} of {len(present):,} gold labels "
                          f"({_listing(unknown)}) are not labels of the model "
                          f"({_listing(names)}); those items count as unlabelled, so accuracy "
                          "leaves them out.")
