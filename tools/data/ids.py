"""The user's item ids: whole numbers, or names such as "A-1005", "ticket-7" or a UUID.

Every tool addresses an item by an integer key (tool arguments, subsets, cached predictions,
the dialogue's focus). When the id column holds whole numbers the key *is* the user's id, exactly
as before. When it holds anything else, the items are keyed 0, 1, 2 ... in file order and the
user's ids are kept as `names`: every answer shows the name, and the planner reads a name back
into its key (`IdNames.key`). A key never reaches the user as if it were their id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import UserError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def fold(name: object) -> str:
    """How two spellings of one id compare: case and surrounding space do not matter."""
    return str(name).strip().casefold()


@dataclass
class IdNames:
    """The user's string ids, `names[key]`, and the way back from a name to its key."""

    names: list[str]
    _keys: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._keys = {fold(n): k for k, n in enumerate(self.names)}

    def key(self, name: object) -> int | None:
        """The key of a name as the user wrote it (any case), or None."""
        return self._keys.get(fold(name))

    def prefix(self) -> str:
        """The letters every id starts with ("TCK-" for TCK-0001 ... TCK-0420), or "": a word
        with this prefix in a question is an id attempt, even when it names no item."""
        first = self.names[0] if self.names else ""
        n = 0
        while n < len(first) and not first[n].isdigit() and all(
                len(x) > n and x[n].casefold() == first[n].casefold() for x in self.names):
            n += 1
        head = first[:n]
        return head if len(head) >= 2 and re.search(r"[^\W\d_]", head) else ""

    def looks_like_id(self, token: str) -> bool:
        """Whether a word of a question is written like one of these ids (known or not)."""
        pre = self.prefix()
        if pre and fold(token).startswith(fold(pre)) and len(token) > len(pre):
            return True
        if UUID.fullmatch(token) and any(UUID.fullmatch(n) for n in self.names[:50]):
            return True
        return False

    def examples(self, n: int = 3) -> str:
        """A few real ids, to show what they look like."""
        shown = ", ".join(self.names[:n])
        return shown + (", ..." if len(self.names) > n else "")


def read_ids(values: pd.Series, column: str, guessed: bool) -> tuple[np.ndarray, IdNames | None]:
    """The integer keys of an id column and, when its ids are not whole numbers, their names.

    Whole numbers (also written "0012" or 12.0) stay the keys, as always. Anything else becomes
    names over keys 0..n-1. Missing or repeated ids are an error naming the column."""
    import numpy as np
    import pandas as pd

    hint = " (it was guessed from its name: name another with --id-column)" if guessed else ""
    numbers = pd.to_numeric(values, errors="coerce")
    if not numbers.isna().any() and not (numbers % 1 != 0).any():
        if numbers.duplicated().any():
            raise UserError(f"The id column {column!r} repeats ids (e.g. "
                            f"{int(numbers[numbers.duplicated()].iloc[0])}); each item needs its "
                            f"own id{hint}.")
        return numbers.astype(int).to_numpy(), None
    if values.isna().any() or (values.astype(str).str.strip() == "").any():
        raise UserError(f"The id column {column!r} has empty ids; each item needs one{hint}.")
    names = [str(v).strip() for v in values]
    folded = pd.Series([fold(n) for n in names])
    if folded.duplicated().any():
        raise UserError(f"The id column {column!r} repeats ids (e.g. "
                        f"{names[int(np.flatnonzero(folded.duplicated())[0])]!r}; case does not "
                        f"count); each item needs its own id{hint}.")
    return np.arange(len(names)), IdNames(names)


def describe_ids(keys: Sequence[int], names: IdNames | None) -> str:
    """How the ids run, for an error: "ids run from 3 to 5009" or "ids look like A-1, A-2, ..."."""
    if names is not None:
        return f"ids look like {names.examples()}"
    if not keys:
        return "it has no items"
    return f"ids run from {min(keys)} to {max(keys)}"
