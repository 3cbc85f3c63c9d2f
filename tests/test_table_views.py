"""A table model's answers drawn: the attribution as a waterfall from the base value through each
feature's signed contribution to the row's output, what-if and counterfactual results as tables
of the changed features before and after, a legend that speaks of features; in the terminal
(plain and colour) and on the page (headless chromium, when installed)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from saywhy.agent.terminal.views import render_view, render_views
from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.tabular.demo import demo_table, load_demo_tabular
from saywhy.tools.views import Bars, Table, WordScores
from tests.test_views import drawn, numbers, shown_numbers


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> ToolContext:
    target = load_demo_tabular(folder=Path(tmp_path_factory.mktemp("demo")) / "demo-tabular")
    return ToolContext(target=target, data=demo_table(target))


def run(ctx: ToolContext, tool: str, **args: Any) -> Any:
    return registry.get(tool).run(ctx, args)


def plain(views: list[Any]) -> str:
    return "\n".join(drawn(v) for v in render_views(views, plain=True))


def test_why_is_a_waterfall_from_the_base_value_to_the_rows_output(demo: ToolContext) -> None:
    r = run(demo, "attribute", id=12)
    (fall,) = [v for v in r.views() if isinstance(v, Bars) and v.waterfall]
    assert fall.start == r.base_value and fall.end == r.target_value
    assert fall.start + sum(fall.values) == pytest.approx(fall.end, abs=1e-4)
    assert sorted(fall.names) == sorted(w["word"] for w in r.words)
    text = drawn(render_view(fall, plain=True))
    lines = text.splitlines()
    for w in r.words:  # each feature's line carries its name and its signed contribution
        (line,) = [ln for ln in lines if ln.strip().startswith(w["word"] + " ")]
        assert f"{w['score']:+.3f}" in line
        assert ("█" in line) == (w["score"] >= 0) and ("░" in line) == (w["score"] < 0)
    assert f"{r.base_value:.3f}" in lines[1] and f"{r.target_value:.3f}" in lines[-2]
    assert "patient #12" in lines[-2] and "base value" in lines[1]
    # the bars go down and up from where the previous one ended: the output row's marker sits
    # right of the base's when the output is larger
    base_at, end_at = lines[1].index("┃"), lines[-2].index("┃")
    assert (end_at > base_at) == (r.target_value > r.base_value)
    colour = drawn(render_view(fall, plain=False), color=True)
    assert "\x1b[" in colour and "░" not in colour


def test_the_legend_speaks_of_features(demo: ToolContext) -> None:
    r = run(demo, "attribute", id=12)
    (scores,) = [v for v in r.views() if isinstance(v, WordScores)]
    text = plain([scores])
    assert "«feature +x» marks the top features" in text and "word" not in text


def test_what_if_is_a_table_of_the_changed_features(demo: ToolContext) -> None:
    r = run(demo, "what_if", id=12, features=[{"feature": "bmi", "value": "40"},
                                              {"feature": "Glucose", "op": "increase",
                                               "value": "10"}])
    table = r.views()[0]
    assert isinstance(table, Table) and [c.name for c in table.columns] == [
        "feature", "before", "after"]
    row = demo.data.X([12]).iloc[0]  # type: ignore[union-attr]
    assert table.rows == [["Glucose", row["Glucose"], row["Glucose"] + 10],
                          ["BMI", row["BMI"], 40]]
    text = plain(r.views())
    (glucose,) = [ln for ln in text.splitlines() if ln.startswith("Glucose")]
    assert glucose.split() == ["Glucose", f"{row['Glucose']:g}", f"{row['Glucose'] + 10:g}"]
    assert re.search(r"BMI\s+27\.1\s+40\b", text)
    assert "probabilities before and after" in text and "text_pairs" not in {
        v.kind for v in r.views()}


def test_counterfactuals_are_tables_that_flip(demo: ToolContext) -> None:
    r = run(demo, "counterfactual", id=100)
    assert r.counterfactuals
    tables = r.views()
    assert len(tables) == len(r.counterfactuals)
    text = plain(tables)
    for c, t in zip(r.counterfactuals, tables, strict=True):
        assert isinstance(t, Table) and c.predicted in t.title and c.predicted != r.label
        assert {row[0] for row in t.rows} == {e.target.split(" = ")[0] for e in c.edits}
        for e in c.edits:
            name, old = e.target.split(" = ")
            new = (e.value or "").split(" = ")[1]
            assert re.search(rf"{re.escape(name)}\s+{re.escape(old)}\s+{re.escape(new)}\b", text)


def test_table_views_show_only_the_results_numbers(demo: ToolContext) -> None:
    for r in (run(demo, "attribute", id=5), run(demo, "counterfactual", id=100),
              run(demo, "what_if", id=5, features=[{"feature": "age", "value": "30"}])):
        data = r.to_json()
        fields = numbers({k: v for k, v in data.items() if k not in ("views", "summary")})
        for view in r.views():
            for x in shown_numbers(view) + ([view.start, view.end] if isinstance(
                    view, Bars) and view.waterfall else []):
                assert any(math.isclose(x, f, rel_tol=1e-9) for f in fields), (r.tool, x)
        assert json.loads(json.dumps(data["views"])) == data["views"]


def test_a_waterfall_must_go_from_its_start_to_its_end() -> None:
    Bars(names=["a", "b"], values=[0.5, -0.2], start=1.0, end=1.3)
    with pytest.raises(ValidationError):
        Bars(names=["a", "b"], values=[0.5, -0.2], start=1.0, end=2.0)
    with pytest.raises(ValidationError):
        Bars(names=["a"], values=[0.5], start=1.0)


# ---- the page ------------------------------------------------------------------------------------
def test_the_page_draws_the_waterfall_and_the_before_after_table(demo: ToolContext,
                                                                  tmp_path: Path) -> None:
    from tests.test_browser import _chromium

    pytest.importorskip("selenium.webdriver")
    import tempfile

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.serving import live_server, make_app

    why = run(demo, "attribute", id=12).to_json()
    change = run(demo, "what_if", id=12, features=[{"feature": "bmi", "value": "40"}]).to_json()
    with tempfile.TemporaryDirectory(prefix="saywhy-browser-") as profile, \
            live_server(make_app(demo, tmp_path)) as url:
        driver = _chromium(profile)
        try:
            driver.get(url + "/")
            WebDriverWait(driver, 60).until(lambda d: d.execute_script(
                "return typeof renderViews === 'function'"))
            driver.execute_script(
                "const box = document.createElement('div'); box.id = 'probe';"
                "document.body.append(box);"
                "for (const r of arguments[0]) box.append(renderViews(r));", [why, change])
            probe = driver.find_element(By.ID, "probe")
            fall = probe.find_element(By.CSS_SELECTOR, "svg.chart.waterfall")
            labels = [t.text for t in fall.find_elements(By.CSS_SELECTOR, "g > text")]
            for w in why["words"]:
                assert w["word"] in labels and f"{w['score']:+.3f}" in labels
            assert "patient #12" in labels and f"{why['target_value']:.3f}" in labels
            steps = fall.find_elements(By.CSS_SELECTOR, "g > rect")
            assert len(steps) == len(why["words"]) + 2  # the steps, the start and the end
            cells = [td.text for td in probe.find_elements(By.CSS_SELECTOR, "table.grid td")]
            assert cells[:3] == ["BMI", "27.1", "40"]
            hint = probe.find_element(By.CSS_SELECTOR, ".legend").text
            assert "hover a feature" in hint
        finally:
            driver.quit()
