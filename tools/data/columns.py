"""Which column of a user's table is the text, the gold label and the id.

Named by the user (`--text-column`, `--label-column`, `--id-column`, or `SAYWHY_*_COLUMN`), or
guessed from common names; what was guessed is said once, plainly, so a wrong guess is seen at
once ("using column `message` as the text, `category` as the gold label, `case_no` as the id;
3 other columns kept for filtering").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import UserError

TEXT_NAMES = ("text", "sentence", "body", "message", "content", "review", "document",
              "utterance", "snippet", "comment", "description", "question", "prompt")
LABEL_NAMES = ("label", "labels", "target", "class", "category", "topic", "y", "gold",
               "sentiment", "intent", "gold_label", "true_label")
ID_NAMES = ("id", "idx", "uid", "index", "item_id", "row_id", "key")
_ID_SUFFIX = re.compile(r"(?:^|[_\- ])(?:id|no|num|number)$", re.I)


@dataclass
class Columns:
    """The role of each column, and which roles were guessed rather than named."""

    text: str
    label: str | None = None
    id: str | None = None
    others: list[str] = field(default_factory=list)
    guessed: set[str] = field(default_factory=set)

    def note(self) -> str:
        """One plain sentence on what was guessed (empty when the user named everything)."""
        said = []
        if "text" in self.guessed:
            said.append(f"`{self.text}` as the text")
        if self.label is not None and "label" in self.guessed:
            said.append(f"`{self.label}` as the gold label")
        if self.id is not None and "id" in self.guessed:
            said.append(f"`{self.id}` as the id")
        if not said:
            return ""
        text = "using column " + ", ".join(said)
        if self.label is None:
            text += "; no gold label column found (name one with --label-column)"
        if self.id is None:
            text += "; no id column, so items are numbered from 0 in file order"
        if self.others:
            n = len(self.others)
            text += f"; {n} other column{'s' if n != 1 else ''} kept for filtering"
        return text + "."


def _named(columns: list[str], wanted: str, what: str, flag: str) -> str:
    if wanted in columns:
        return wanted
    lowered = {c.lower(): c for c in columns}
    if wanted.lower() in lowered:
        return lowered[wanted.lower()]
    raise UserError(f"There is no column named {wanted!r} for the {what} (given with {flag}); "
                    f"the columns are: {', '.join(columns)}.")


def _guess(columns: list[str], candidates: tuple[str, ...], taken: set[str]) -> str | None:
    lowered = {c.lower().strip(): c for c in columns if c not in taken}
    for name in candidates:
        if name in lowered:
            return lowered[name]
    return None


def choose(columns: list[str], *, text: str | None = None, label: str | None = None,
           id: str | None = None) -> Columns:
    """Roles for the columns: the named ones, else the common names, else an error that names
    the flag to use."""
    guessed: set[str] = set()
    taken: set[str] = set()
    if text:
        text_col: str | None = _named(columns, text, "text", "--text-column")
    else:
        text_col = _guess(columns, TEXT_NAMES, taken)
        guessed.add("text")
    if text_col is None:
        raise UserError(f"Could not find a text column; the columns found are: "
                        f"{', '.join(columns)}. Name it with --text-column NAME (or call it one "
                        f"of: {', '.join(TEXT_NAMES[:6])}).")
    taken.add(text_col)
    if label:
        label_col: str | None = _named(columns, label, "gold label", "--label-column")
    else:
        label_col = _guess(columns, LABEL_NAMES, taken)
        guessed.add("label")
    if label_col is not None:
        taken.add(label_col)
    if id:
        id_col: str | None = _named(columns, id, "id", "--id-column")
    else:
        id_col = _guess(columns, ID_NAMES, taken) or next(
            (c for c in columns if c not in taken and _ID_SUFFIX.search(c.strip())), None)
        guessed.add("id")
    if id_col is not None:
        taken.add(id_col)
    if len({text_col, label_col, id_col} - {None}) < len([c for c in (text_col, label_col, id_col)
                                                          if c is not None]):
        raise UserError("One column cannot be two things: the text, label and id columns must "
                        "differ.")
    others = [c for c in columns if c not in taken and c != "split"]
    return Columns(text=text_col, label=label_col, id=id_col, others=others, guessed=guessed)
