"""Item ids that are names ("ticket A-1005", "why is TCK-0042 billing?", a UUID).

When the data's ids are not whole numbers, tools still address items by integer keys, and the
data keeps the user's ids as names (`tools/data/ids.py`). This reads the names in a question back
into keys, before any number is read, so the digits inside "TCK-0042" are never a count, a
range or another item's key. A word written like an id that names no item ("ticket ZZ-9",
"TCK-9999", "ticket 5") becomes a question back, never another item.
"""

from __future__ import annotations

import re
from typing import Protocol

# what an id may look like in a question: letters, digits and inner - _ . : /
_TOKEN = re.compile(r"(?<![\w\-.:/])[^\W_](?:[\w\-.:/]*[^\W_])?(?![\w\-:/]|\.\w)")


class ItemNames(Protocol):
    """The data's string ids, as the planner needs them (`tools.data.ids.IdNames`)."""

    def key(self, name: object) -> int | None: ...

    def looks_like_id(self, token: str) -> bool: ...

    def examples(self, n: int = 3) -> str: ...


def read_names(work: str, names: ItemNames, noun: str) -> tuple[str, list[int], str | None]:
    """The keys of the ids named in `work` (in order, once each), `work` with them and the noun
    before them blanked out, and the first id-like word that names no item (or None).

    A word is taken for an id when it is one of the data's ids and has a digit in it or follows
    an item noun, '#' or 'id' ("ticket alpha"); an unknown word is an id attempt when it follows
    such a word and has a digit in it, or is written like the data's ids ("TCK-9999")."""
    keys: list[int] = []
    unknown: str | None = None
    before = re.compile(rf"(?:\b(?:{noun})\s*(?:#|no\.?|number|id)?\s*|#\s*|\bids?\s+)$", re.I)
    out = work
    for m in _TOKEN.finditer(work):
        token = m.group(0)
        lead = before.search(work[max(0, m.start() - 40):m.start()])
        digit = any(ch.isdigit() for ch in token)
        key = names.key(token)
        start = m.start() - (len(lead.group(0)) if lead else 0)
        if key is not None and (digit or lead):
            if key not in keys:
                keys.append(key)
        elif unknown is None and ((lead and digit) or names.looks_like_id(token)):
            unknown = token
        else:
            continue
        out = out[:start] + " " * (m.end() - start) + out[m.end():]
    return out, keys, unknown


def unknown_question(token: str, names: ItemNames) -> str:
    """The question back for an id that names no item ({item} is filled by the planner)."""
    return (f'There is no {{item}} with id "{token}" (the ids look like {names.examples()}). '
            "Which one did you mean?")
