"""The names a table model's classes go by: `--labels` (or `SAYWHY_LABELS`) as the user writes
it, checked against the model's `classes_`.

A scikit-learn model knows its classes only as what it was fitted on (0/1, -1/1, "yes"/"no"); a
user wants to ask "why is applicant 3 a good risk?". The names given here become the target's
labels, and the table's gold column is read through the same classes (`data.table`), so a
question, a filter on the label and an accuracy all speak of "good risk". Every mistake in the
option is a UserError naming `--labels`: a class the model does not have, a wrong number of
names, a name given to two classes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..data.labels import norm
from ..errors import UserError

LABELS_FORMS = ('Write --labels "0=bad risk,1=good risk" (class=name pairs) or '
                '"bad risk,good risk" (names in the order of the model\'s classes).')


def parse_labels(text: str) -> dict[str, str] | list[str]:
    """`--labels` as written: "0=bad risk,1=good risk" is a mapping from class to name,
    "bad risk,good risk" a list of names in `classes_` order (checked against the model by
    `label_names`)."""
    pieces = [p.strip() for p in text.split(",")]
    if not any(pieces):
        raise UserError("--labels is empty.", hint=LABELS_FORMS)
    if any(not p for p in pieces):
        raise UserError(f"--labels {text!r} has an empty name between its commas.",
                        hint=LABELS_FORMS)
    if not any("=" in p for p in pieces):
        return pieces
    pairs: dict[str, str] = {}
    for piece in pieces:
        cls, eq, name = (x.strip() for x in piece.partition("="))
        if not (eq and cls and name):
            raise UserError(f"--labels: {piece!r} is not a class=name pair.", hint=LABELS_FORMS)
        if cls in pairs:
            raise UserError(f"--labels names class {cls!r} twice.", hint=LABELS_FORMS)
        pairs[cls] = name
    return pairs


def class_of(key: Any, classes: list[Any]) -> Any:
    """The class a mapping key stands for: the class itself, its string, or the same number
    ("1" for 1.0); a key the model has no class for is a UserError naming `--labels`."""
    for c in classes:
        if key == c or str(key) == str(c):
            return c
    try:
        number = float(key)
        return next(c for c in classes if not isinstance(c, str) and float(c) == number)
    except (TypeError, ValueError, StopIteration):
        listing = ", ".join(map(str, classes))
        raise UserError(f"--labels names class {str(key)!r}, but the model's classes are "
                        f"{listing}.", hint=LABELS_FORMS) from None


def label_names(classes: list[Any], labels: Mapping[Any, str] | Sequence[str] | None) -> list[str]:
    """Label names in `classes_` order: the mapping's name for each class (keys may be the
    class or its string; a class it leaves out keeps its own name), a list in order, or the
    classes themselves. Names must differ, or answers could not tell the classes apart."""
    if labels is None:
        return [str(c) for c in classes]
    listing = ", ".join(map(str, classes))
    if isinstance(labels, Mapping):
        given = {str(class_of(k, classes)): str(v).strip() for k, v in labels.items()}
        names = [given.get(str(c), str(c)) for c in classes]
    else:
        names = [str(x).strip() for x in labels]
        if len(names) != len(classes):
            raise UserError(f"--labels gives {len(names)} name(s) but the model has "
                            f"{len(classes)} classes ({listing}).", hint=LABELS_FORMS)
    if not all(names):
        raise UserError("--labels gives a class an empty name.", hint=LABELS_FORMS)
    seen: dict[str, Any] = {}
    for c, name in zip(classes, names, strict=True):
        if norm(name) in seen:
            raise UserError(f"--labels gives the name {name!r} to two classes "
                            f"({seen[norm(name)]} and {c}).", hint=LABELS_FORMS)
        seen[norm(name)] = c
    return names
