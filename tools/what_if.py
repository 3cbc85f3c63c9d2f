"""`what_if`: re-predict an edited input and show what changed against the original.

Edits name words as a person would ("replace 'boring' with 'gripping'"): targets match
case-insensitively on word boundaries, and a target that is not in the text is the user's
mistake, reported by name rather than silently ignored.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from .context import ToolContext
from .errors import UserError
from .inputs import InputArgs
from .registry import Result, tool
from .tabular.edits import FeatureEdit
from .views import Column, Table, TextPair, TextPairs, View


class Edit(BaseModel):
    """One edit: replace/delete a word or phrase, or insert new words after one."""

    action: Literal["replace", "delete", "insert"]
    target: str | None = Field(default=None, description=(
        "Word or phrase in the text (for insert: the word after which to insert; null = start)."))
    value: str | None = Field(default=None, description="New word(s) for replace and insert.")


class WhatIfArgs(InputArgs):
    """Change the input (a list of edits, or a whole `new_text`) and compare the predictions."""

    edits: list[Edit] = Field(default_factory=list, description="Edits applied in order.")
    new_text: str | None = Field(default=None, max_length=100_000,
                                 description="A whole new text instead of edits.")
    features: list[FeatureEdit] = Field(default_factory=list, description=(
        "Table models: feature edits (set a feature, or increase/decrease/multiply it by an "
        "amount), applied in order."))

    @model_validator(mode="after")
    def _edits_or_new_text(self) -> WhatIfArgs:
        if self.edits and self.new_text:
            raise ValueError("give either `edits` or `new_text`, not both")
        return self


class WhatIfResult(Result):
    referent: str
    id: int | None = None
    kind: str
    original: str
    edited: str
    changes: list[str] = Field(default_factory=list)
    label_before: str | None = None
    label_after: str | None = None
    probs_before: dict[str, float] = Field(default_factory=dict)
    probs_after: dict[str, float] = Field(default_factory=dict)
    delta: dict[str, float] = Field(default_factory=dict)
    generation_before: dict[str, Any] | None = None
    generation_after: dict[str, Any] | None = None

    def views(self) -> list[View]:
        """The text before and after the edits with the prediction (or the answer) for each, and
        a classifier's probabilities before and after as a table."""
        what = "; ".join(self.changes) if self.changes else "the text rewritten"
        changed = self.original != self.edited
        if self.kind == "causal_lm":
            old = (self.generation_before or {}).get("text")
            new = (self.generation_after or {}).get("text")
            pairs = [TextPair(before=self.original, after=self.edited, note=f"prompt: {what}",
                              changed=changed)]
            if old is not None and new is not None:
                pairs.append(TextPair(before=str(old), after=str(new), note="the answer",
                                      changed=old != new))
            return [TextPairs(title=f"what if: {self.referent}", pairs=pairs)]
        before, after = self.label_before, self.label_after
        shown: list[View] = [TextPairs(title=f"what if: {self.referent}", pairs=[TextPair(
            before=self.original, after=self.edited, note=what, changed=changed,
            before_label=before, after_label=after,
            before_value=self.probs_before.get(before) if before else None,
            after_value=self.probs_after.get(after) if after else None)])]
        if self.probs_before:
            shown.append(Table(
                title="probabilities before and after the edits",
                columns=[Column(name="label"), Column(name="before", type="float"),
                         Column(name="after", type="float"),
                         Column(name="change", type="signed")],
                rows=[[lab, p, self.probs_after.get(lab), self.delta.get(lab)]
                      for lab, p in self.probs_before.items()]))
        return shown

    def summary(self) -> str:
        what = "; ".join(self.changes) if self.changes else "the text rewritten"
        if self.original == self.edited:
            return f"For {self.referent}, the edits leave the text unchanged, so nothing changes."
        if self.kind == "causal_lm" and self.generation_before and self.generation_after:
            old, new = self.generation_before["text"], self.generation_after["text"]
            if old == new:
                return (f"For {self.referent} with {what}, the model's answer stays the same: "
                        f"\"{new}\".")
            return (f"For {self.referent} with {what}, the answer changes from \"{old}\" "
                    f"to \"{new}\".")
        lab = self.label_before or ""
        before, after = self.probs_before.get(lab, 0.0), self.probs_after.get(lab, 0.0)
        if self.label_after == self.label_before:
            verdict = (f"the prediction stays {lab}; its probability goes from {before:.2f} "
                       f"to {after:.2f} ({after - before:+.2f})")
        else:
            verdict = (f"the prediction flips from {lab} ({before:.2f}) to {self.label_after} "
                       f"({self.probs_after.get(self.label_after or '', 0.0):.2f})")
        if self.kind == "tabular":  # the changed features are said; the row is in the table view
            return f"For {self.referent} with {what}, {verdict}."
        return f"For {self.referent} with {what}, {verdict}. Edited text: \"{self.edited}\"."


def _pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _delete(text: str, pat: re.Pattern[str]) -> str:
    """Remove every match with the whitespace before it (or after it, at the start)."""
    for m in reversed(list(pat.finditer(text))):
        start, end = m.start(), m.end()
        while start > 0 and text[start - 1].isspace():
            start -= 1
        if start == 0:
            while end < len(text) and text[end].isspace():
                end += 1
        text = text[:start] + text[end:]
    return text.strip()


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, list[str]]:
    """Apply edits in order; replace and delete hit every occurrence, insert the first one."""
    out, said = text, []
    for e in edits:
        target = (e.target or "").strip()
        value = (e.value or "").strip()
        if e.action in ("replace", "insert") and not value:
            raise UserError(f"The {e.action} edit needs a value: the new word(s) to put in.")
        if e.action == "insert" and not target:
            out = f"{value} {out}"
            said.append(f"'{value}' inserted at the start")
            continue
        if not target:
            raise UserError(f"The {e.action} edit needs a target: the word or phrase "
                            f"to {e.action}.")
        pat = _pattern(target)
        found = pat.findall(out)
        if not found:
            done = {"replace": "replace it", "delete": "delete it", "insert": "insert after it"}
            raise UserError(f"'{target}' is not in the text, so I cannot {done[e.action]}.")
        if e.action == "replace":
            out = pat.sub(value.replace("\\", "\\\\"), out)  # a literal replacement
            times = f" ({len(found)} times)" if len(found) > 1 else ""
            said.append(f"'{found[0]}' replaced by '{value}'{times}")
        elif e.action == "delete":
            out = _delete(out, pat)
            said.append(f"'{found[0]}' deleted")
        else:
            m = pat.search(out)
            assert m is not None
            out = f"{out[:m.end()]} {value}{out[m.end():]}"
            said.append(f"'{value}' inserted after '{m.group()}'")
    return out, said


@tool("what_if", WhatIfArgs, scope="input", updates={"focus"})
def what_if(ctx: ToolContext, args: WhatIfArgs) -> WhatIfResult:
    """Re-predict an edited version of an input (replace, delete or insert words, or a whole new
    text) and show how the probabilities (classifier) or the answer (causal LM) change."""
    if args.features:
        raise UserError("Feature edits need a table model; change the words of the text instead.")
    ref = ctx.resolve(args.id, args.text)
    target = ctx.target
    changes: list[str] = []
    if args.new_text is not None:
        edited = target.check_text(args.new_text)
    elif args.edits:
        edited, changes = apply_edits(ref.text, args.edits)
    else:
        raise UserError("Tell me what to change: a list of edits or a new text.")
    if not edited.strip():
        raise UserError("After the edits nothing is left of the text.")
    base: dict[str, Any] = {"referent": ref.referent, "id": ref.id, "kind": target.kind,
                            "original": ref.text, "edited": edited, "changes": changes}
    if target.kind == "causal_lm":
        lm = ctx.lm
        before = ctx.memo(("gen", ref.text, 32), lambda: lm.generate(ref.text, 32))
        after = ctx.memo(("gen", edited, 32), lambda: lm.generate(edited, 32))
        return WhatIfResult(**base, generation_before=before.to_dict(),
                            generation_after=after.to_dict())
    probs = ctx.probs([ref.text, edited])
    labels = target.labels
    p0, p1 = probs[0], probs[1]
    return WhatIfResult(
        **base, label_before=labels[int(p0.argmax())], label_after=labels[int(p1.argmax())],
        probs_before={n: round(float(p), 6) for n, p in zip(labels, p0, strict=True)},
        probs_after={n: round(float(p), 6) for n, p in zip(labels, p1, strict=True)},
        delta={n: round(float(b) - float(a), 6) for n, a, b in zip(labels, p0, p1, strict=True)})
