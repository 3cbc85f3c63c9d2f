"""Small shared views of a dataset for the data tools: scopes, splits, ids, labels, word counts.

Kept in one place so that `show`, `filter`, `performance`, `mistakes` and `keywords` agree on what
"the current subset", "the held-out split", "10-20" and "a word" mean.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import NotFoundError, UserError

if TYPE_CHECKING:
    import pandas as pd

    from ..context import ToolContext
    from .dataset import Dataset

WORD = re.compile(r"\w+(?:['’]\w+)*")
HELD_OUT = ("test", "validation", "valid", "val", "dev", "eval", "heldout", "held-out", "held_out")
RANGE = re.compile(r"^\s*(\d+)\s*(?:-|–|\.\.|to)\s*(\d+)\s*$")
MAX_IDS = 100_000


SHOWN_CHARS = 2_000  # a text longer than this is clipped in an answer (kept whole in the JSON)


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """A long text cut at a word boundary near `limit`, saying how much was left out: what an
    answer prints of an item's text (`show`, `mistakes`, `similar`); the result's own field keeps
    the whole text, so `--json` and the API still have it."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    cut = cut[:cut.rfind(" ")] if " " in cut[limit // 2:] else cut
    return (f"{cut} [... {len(text) - len(cut):,} more characters not shown; the whole text is "
            f"in the JSON answer]")


def plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"


def noun(data: Dataset | None, n: int | None = None) -> str:
    """What the items are called (the data's `item_name`: "ticket", "review", default "item"),
    plural unless n == 1."""
    word = getattr(data, "item_name", None) or "item"
    return word if n == 1 else plural(word)


def count(n: int, data: Dataset | None) -> str:
    """'1 ticket', '2,562 tickets'."""
    return f"{n:,} {noun(data, n)}"


def word_counts(texts: pd.Series) -> pd.Series:
    """Words per text (punctuation not counted), the unit of every length the tools report."""
    return texts.astype(str).str.count(WORD.pattern)


def parse_ids(ids: list[int] | list[int | str] | str | int,
              data: Dataset | None = None) -> list[int]:
    """Keys from a list, one id, a range "10-20" (inclusive) or a comma list "3, 5, 8".

    With `data`, an id may be the user's id as the data writes it ("CASE-7", also inside a comma
    list), looked up by `Dataset.key` (an unknown one is an error naming real ids); ranges are of
    whole numbers."""
    if isinstance(ids, int):
        return [ids]
    if isinstance(ids, list):
        if data is not None:
            return [data.key(i) for i in ids]
        return [int(i) for i in ids]
    text = str(ids).strip()
    out: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        m = RANGE.match(part)
        if data is not None and data.names is not None and data.key_of(part) is not None:
            out.append(data.key(part))
        elif m:
            lo, hi = sorted((int(m.group(1)), int(m.group(2))))
            if hi - lo >= MAX_IDS:
                raise UserError(f"The range {part} is too long (at most {MAX_IDS:,} ids).")
            out.extend(range(lo, hi + 1))
        elif part.isdigit():
            out.append(int(part))
        elif data is not None:
            out.append(data.key(part))
        else:
            raise UserError(f"I could not read {part!r} as ids; "
                            "write e.g. 12, \"10-20\" or \"3, 5, 8\".")
    if not out:
        raise UserError("No ids given; write e.g. 12, \"10-20\" or \"3, 5, 8\".")
    return out


def check_ids(data: Dataset, ids: list[int]) -> list[int]:
    """The ids, in order and deduplicated; a clear error naming the ones that do not exist."""
    ids = list(dict.fromkeys(ids))
    missing = [i for i in ids if i not in data.frame.index]
    if missing:
        shown = ", ".join(map(str, missing[:5])) + (" ..." if len(missing) > 5 else "")
        raise data.no_such_id(shown)
    return ids


def gold_label(data: Dataset, label: str) -> str:
    """A gold label as spelled in the data (case-insensitive), or an error listing the labels."""
    if not data.has_labels:
        raise UserError(f"{data.name} has no label column, so there are no gold labels to use.")
    names = data.label_names
    for name in names:
        if name.lower() == str(label).strip().lower():
            return name
    raise NotFoundError(f"Unknown label {label!r}; the labels in {data.name} are: "
                        f"{', '.join(names)}.")


def scope(ctx: ToolContext) -> tuple[list[int], str]:
    """The ids the conversation is about and how to call them: the subset, else everything."""
    data = ctx.data
    if data is None:
        raise UserError("There is no dataset loaded; start saywhy with --data FILE.")
    if ctx.subset is not None:
        return list(ctx.subset.ids), ctx.subset.description
    return data.ids, f"all {noun(data)}"


def split_ids(data: Dataset, ids: list[int], split: str) -> list[int]:
    """Keep the ids of one split: "train", "test" (any held-out name) or "all"."""
    if split == "all":
        return list(ids)
    if not data.has_split:
        raise UserError(f"{data.name} has no split column, so there is no {split} split; "
                        "use split='all' (the default for such data).")
    values = data.frame.loc[ids, "split"].astype(str).str.lower()
    keep = values.isin(HELD_OUT) if split == "test" else values == "train"
    return [int(i) for i in values.index[keep.to_numpy()]]


def default_splits(data: Dataset, split: str | None) -> list[str]:
    """Which splits to report: the held-out one first (and train for comparison) by default."""
    if split is not None:
        return [split]
    return ["test", "train"] if data.has_split else ["all"]


def split_phrase(split: str, n: int, data: Dataset) -> str:
    if split == "test":
        return f"on the {count(n, data)} the model never saw (held-out split)"
    if split == "train":
        return f"on its {count(n, data)} of the training split"
    return f"on {count(n, data)}"


def rows(data: Dataset, ids: list[int]) -> pd.DataFrame:
    return data.frame.loc[ids]


def nothing(plural: str, what: str, consequence: str) -> str:
    """The one way every tool says that its selection is empty."""
    return f"No {plural[:-1]} matches ({what}), so {consequence}."
