"""One terminal view per tool, keyed by the result's "tool" field (see `render.view`).

A view reads the result dict by field name; a missing field raises KeyError/TypeError, which
`render.render_result` turns into the tool's summary. A view returns None when the answer's
words already say everything (e.g. a one-line filter result).
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .render import (
    BLUES,
    ORANGES,
    bar,
    clip,
    highlight,
    legend,
    signed_bars,
    swatch_style,
    value_bars,
    view,
)

R = dict[str, Any]


def _table(*columns: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for c in columns:
        if c == "text":  # one line per item, cut with an ellipsis at the screen's edge
            table.add_column(c, no_wrap=True, overflow="ellipsis")
        else:
            table.add_column(c, justify="right" if c in ("id", "prob", "conf", "sim") else "left")
    return table


def _titled(title: str | None, body: RenderableType) -> RenderableType:
    """A bold title line above a table (a Table's own title wraps at the table's width)."""
    return body if not title else Group(Text(title, style="bold"), body)


def _yes(ok: Any, plain: bool) -> Text:
    if ok is None:
        return Text("")
    return Text("yes" if ok else "no", style="" if plain else ("green" if ok else "red"))


@view("predict")
def predict(r: R, plain: bool) -> RenderableType:
    gen = r.get("generation")
    if r["kind"] == "causal_lm" and gen:
        text = Text("answer: ", style="bold")
        for t in gen["tokens"]:
            low = float(t["prob"]) < 0.5
            token = str(t["token"])
            if plain:
                text.append(f"{token}⁽{float(t['prob']):.2f}⁾" if low else token)
            else:
                text.append(token, style=swatch_style(ORANGES[1]) if low else "")
        note = Text("  (tokens with a superscript were chosen with probability < 0.5)" if plain
                    else "  (tokens on orange: chosen with probability < 0.5)", style="dim")
        return Group(text, note)
    probs = r["probs"]
    return value_bars(sorted(probs.items(), key=lambda kv: -kv[1]), scale=1.0, style=ORANGES[2],
                      title=f"p(label) for {r['referent']}")


@view("attribute")
def attribute(r: R, plain: bool) -> RenderableType:
    words = r["words"]
    label, contrast = r["label"], r.get("contrast")
    towards = f"towards {label}" + (f" over {contrast}" if contrast else "")
    away = f"towards {contrast}" if contrast else f"away from {label}"
    parts: list[RenderableType] = []
    source = r["text"] if r.get("kind") != "causal_lm" else r.get("text", "")
    parts.append(highlight(source, words, plain=plain, mark_top=int(r.get("k") or 5)))
    if r.get("truncated"):
        parts.append(Text(f"(only the first {r.get('n_words_seen')} of {r.get('n_words_total')} "
                          "words fit in the model's window)", style="dim"))
    if plain:
        parts.append(Text(f"«word +x» marks the top words; + pushes {towards}, - {away}.",
                          style="dim"))
    else:
        parts.append(legend(away, towards))
    top = [(str(w["word"]), float(w["score"])) for w in r["top"]]
    parts.append(Text(""))
    parts.append(signed_bars(top, title=f"top words ({r['method']}, {r['unit']} points)"))
    f = r.get("faithfulness")
    if f:
        comp, rnd = f["comprehensiveness"], f["random_comprehensiveness"]
        verdict = "beats" if comp > rnd else "does not beat"
        parts.append(Text(f"faithfulness: removing the top words costs {comp:.2f} vs {rnd:.2f} "
                          f"for random words ({verdict} chance)", style="dim"))
    return Group(*parts)


@view("attention")
def attention(r: R, plain: bool) -> RenderableType:
    rows = [(str(w["word"]), float(w["weight"])) for w in r["top"]]
    where = "averaged over layers" if r.get("layer") is None else f"layer {r['layer']}"
    where += "" if r.get("head") is None else f", head {r['head']}"
    return value_bars(rows, fmt="{:.3f}", style=ORANGES[2],
                      title=f"attention from the {r['query']} ({r['mode']}, {where})")


@view("faithfulness")
def faithfulness(r: R, plain: bool) -> RenderableType:
    table = _table("method", "comprehensiveness", "random", "sufficiency", "random")
    for e in (r["eraser"], r.get("compare_eraser")):
        if e:
            table.add_row(e["method"], f"{e['comprehensiveness']:.3f}",
                          f"{e['random_comprehensiveness']:.3f}", f"{e['sufficiency']:.3f}",
                          f"{e['random_sufficiency']:.3f}")
    return _titled("ERASER (higher comprehensiveness, lower sufficiency = more faithful)", table)


@view("counterfactual")
def counterfactual(r: R, plain: bool) -> RenderableType | None:
    found = r["counterfactuals"] or ([r["closest"]] if r.get("closest") else [])
    if not found:
        return None
    title = "counterfactuals" if r["counterfactuals"] else "closest try (no flip)"
    table = _table("edits", "label", "prob", "text")
    for c in found:
        edits = "; ".join(f"delete {e['target']!r}" if e["action"] == "delete"
                          else f"{e['target']!r} → {e['value']!r}" for e in c["edits"])
        table.add_row(edits, c["label"], f"{c['target_prob']:.2f}", clip(c["text"], 200))
    return _titled(title, table)


@view("what_if")
def what_if(r: R, plain: bool) -> RenderableType:
    parts: list[RenderableType] = [Text("edited: ", style="bold") + Text(clip(r["edited"], 200))]
    if r.get("probs_before"):
        table = _table("label", "before", "after", "change")
        for lab, before in r["probs_before"].items():
            after = r["probs_after"].get(lab, 0.0)
            d = after - before
            style = "" if plain or abs(d) < 0.01 else (ORANGES[2] if d > 0 else BLUES[1])
            table.add_row(lab, f"{before:.2f}", f"{after:.2f}", Text(f"{d:+.2f}", style=style))
        parts.append(table)
    else:
        for key in ("generation_before", "generation_after"):
            gen = r.get(key) or {}
            parts.append(Text(f"{key.split('_')[1]}: {clip(gen.get('text'), 120)}"))
    return Group(*parts)


def _items_table(title: str, items: list[R], plain: bool, *, sim: bool = False) -> RenderableType:
    cols = ["id"] + (["sim"] if sim else []) + ["gold", "predicted", "conf", "ok", "text"]
    table = _table(*cols)
    for it in items:
        conf = it.get("confidence", it.get("probability"))
        ok = it.get("correct")
        if ok is None and it.get("gold") is not None and it.get("predicted") is not None:
            ok = it["gold"] == it["predicted"]
        row = [str(it["id"])] + ([f"{it['similarity']:.2f}"] if sim else [])
        row += [str(it.get("gold") or ""), str(it.get("predicted") or ""),
                "" if conf is None else f"{conf:.2f}"]
        table.add_row(*row, _yes(ok, plain), clip(it["text"], 200))
    return _titled(title, table)


@view("show")
def show(r: R, plain: bool) -> RenderableType | None:
    if not r["items"]:
        return None
    pages = f" — page {r['page']} of {r['pages']}" if r["pages"] > 1 else ""
    return _items_table(f"{r['what']} ({r['total']:,}){pages}", r["items"], plain)


@view("similar")
def similar(r: R, plain: bool) -> RenderableType | None:
    if not r["items"]:
        return None
    return _items_table(f"most similar to {r['referent']} in {r['scope']}", r["items"], plain,
                        sim=True)


@view("mistakes")
def mistakes(r: R, plain: bool) -> RenderableType | None:
    parts: list[RenderableType] = []
    for c in r["counts"]:
        if c["n"]:
            rows = sorted(c["kinds"].items(), key=lambda kv: -kv[1])
            parts.append(value_bars(rows, fmt="{:,.0f}", style=BLUES[1],
                                    title=f"{c['phrase']}: {c['wrong']:,} of {c['n']:,} wrong"))
    if r["sample"]:
        parts.append(_items_table("a random sample of the mistakes", r["sample"], plain))
    return Group(*parts) if parts else None


@view("filter")
def subset_filter(r: R, plain: bool) -> RenderableType:
    width = 30
    text = Text(f"subset: {r['size']:,} of {r['total']:,} {r.get('noun', 'items')}  ")
    text.append(bar(r["size"], r["total"], width) or "▏", style=ORANGES[2])
    if r.get("preview"):
        text.append(f"\nfirst ids: {', '.join(map(str, r['preview']))}", style="dim")
    return text


@view("performance")
def performance(r: R, plain: bool) -> RenderableType | None:
    """The first split (held-out when there is one) in full; the others as a headline."""
    parts: list[RenderableType] = []
    for s in r["scores"]:
        if not s["n"]:
            continue
        head = (f"{s['phrase']}: accuracy {s['accuracy']:.3f} "
                f"(95% {s['ci_low']:.3f}–{s['ci_high']:.3f}, n={s['n']:,})")
        if parts:
            parts.append(Text(head, style="bold"))
            continue
        per = _table("label", "precision", "recall", "F1", "gold")
        for lab, v in s["per_label"].items():
            per.add_row(lab, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}",
                        f"{v['support']:,}")
        names = list(s["confusion"])
        conf = _table("gold \\ predicted", *names)
        for gold, row in s["confusion"].items():
            cells = [Text(f"{row.get(p, 0):,}", style="bold" if p == gold and not plain else "")
                     for p in names]
            conf.add_row(gold, *cells)
        parts += [_titled(head, per), Text(""),
                  _titled("confusion matrix (rows: gold, columns: predicted)", conf), Text("")]
    return Group(*parts) if parts else None


@view("global_importance")
def global_importance(r: R, plain: bool) -> RenderableType:
    parts: list[RenderableType] = []
    for lab in r["labels"]:
        words = lab["towards"]
        # the bar is the tool's ranking weight; the figure the mean push per text with the word
        scale = max((abs(float(w.get("weight", w["mean"]))) for w in words), default=0.0)
        table = Table(box=None, show_header=False, pad_edge=False)
        for justify in ("right", "right", "left", "right"):
            table.add_column(justify=justify)  # type: ignore[arg-type]
        for w in words:
            table.add_row(str(w["word"]), f"{float(w['mean']):+.2f}",
                          Text(bar(float(w.get("weight", w["mean"])), scale), style=ORANGES[2]),
                          Text(f"in {w['texts']} text{'s' * (w['texts'] != 1)}", style="dim"))
        stab = "" if lab.get("stability") is None else f", stability {lab['stability']:.2f}"
        parts.append(_titled(f"towards {lab['label']} (mean push per text; {r['method']}{stab})",
                             table))
    return Group(*parts)


@view("keywords")
def keywords(r: R, plain: bool) -> RenderableType:
    parts: list[RenderableType] = []
    for lab, words in r["distinctive"].items():
        rows = [(str(w["word"]), float(w["z"] or 0.0)) for w in words]
        parts.append(value_bars(rows, fmt="z {:.1f}", style=ORANGES[2],
                                title=f"distinctive of {lab}"))
    if r.get("frequent"):
        rows = [(str(w["word"]), float(w["share"])) for w in r["frequent"]]
        parts.append(value_bars(rows, fmt="{:.0%}", style=BLUES[1], title="most frequent"))
    return Group(*parts)


@view("layer_predictions")
def layer_predictions(r: R, plain: bool) -> RenderableType:
    table = _table("layer", "top", "prob", "")
    for row in r["layers"]:
        table.add_row(str(row["layer"]), str(row["top"]), f"{row['prob']:.2f}",
                      Text(bar(row["prob"], 1.0, 20), style=ORANGES[2]))
    return _titled(f"p({r['followed']}) layer by layer (decides at layer "
                   f"{r['decision_layer']})", table)


@view("describe_data")
def describe_data(r: R, plain: bool) -> RenderableType | None:
    parts: list[RenderableType] = []
    if r.get("labels"):
        parts.append(value_bars(r["labels"].items(), fmt="{:,.0f}", style=ORANGES[2],
                                title="gold labels"))
    if r.get("splits"):
        parts.append(value_bars(r["splits"].items(), fmt="{:,.0f}", style=BLUES[1],
                                title="splits"))
    return Group(*parts) if parts else None


@view("model_info")
def model_info(r: R, plain: bool) -> RenderableType:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    rows = [("name", r["name"]), ("kind", r["kind"].replace("_", " ")),
            ("architecture", r["architecture"]), ("parameters", f"{r['parameters'] / 1e6:.1f} M"),
            ("labels", ", ".join(r.get("labels") or []) or "—"), ("max length", r["max_length"]),
            ("trained on", r.get("trained_on")), ("base model", r.get("base_model"))]
    if r.get("held_out_accuracy") is not None:
        rows.append(("held-out accuracy", f"{r['held_out_accuracy']:.3f} "
                                          f"(n={r.get('held_out_size') or '?'})"))
    for k, v in rows:
        if v not in (None, ""):
            table.add_row(k, str(v))
    return table


@view("capabilities")
def capabilities(r: R, plain: bool) -> None:
    return None  # the answer's words are the list itself
