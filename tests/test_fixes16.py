"""Bad input to `saywhy parse --batch` and to model loading is said in one plain sentence: a
batch file that is not UTF-8 or holds no questions, a model folder with no weights at all. The
API docs load nothing from outside the server and run under the chat page's CSP; static files
say nosniff."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from saywhy.agent.terminal.app import app
from saywhy.server.app import PAGE_HEADERS
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import UserError
from saywhy.tools.target.loading import _check_weights
from tests.serving import live_server, make_app


def _parse_batch(path: Path) -> object:
    return CliRunner().invoke(app, ["parse", "--batch", str(path)])


def test_batch_file_not_utf8_is_a_plain_error(tmp_path: Path) -> None:
    batch = tmp_path / "latin1.txt"
    batch.write_bytes("why is the caf\u00e9 review negative?\n".encode("latin-1"))
    res = _parse_batch(batch)
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "UTF-8" in res.output and str(batch) in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize("content", ["", "\n  \n\t\n"])
def test_empty_batch_file_says_so(tmp_path: Path, content: str) -> None:
    batch = tmp_path / "empty.txt"
    batch.write_text(content, encoding="utf-8")
    res = _parse_batch(batch)
    assert res.exit_code == 2, res.output
    assert "no questions" in res.output and str(batch) in res.output


def test_folder_with_only_config_has_no_weights(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(UserError) as err:
        _check_weights(tmp_path, allow_pickle=False)
    assert "no model weights" in err.value.message
    assert "pickle" not in err.value.user_text()
    with pytest.raises(UserError, match="no model weights"):
        _check_weights(tmp_path, allow_pickle=True)  # allowing pickle cannot conjure weights


@pytest.mark.parametrize("name", ["pytorch_model.bin", "tf_model.h5", "custom.bin"])
def test_pickle_checkpoint_is_still_refused_by_name(tmp_path: Path, name: str) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / name).write_bytes(b"\x80\x02")
    with pytest.raises(UserError, match="pickle checkpoint") as err:
        _check_weights(tmp_path, allow_pickle=False)
    assert name in err.value.message
    _check_weights(tmp_path, allow_pickle=True)  # the user's explicit choice


def test_safetensors_pass(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"")
    _check_weights(tmp_path, allow_pickle=False)


# ---- /docs offline, /static nosniff ---------------------------------------------------------
class _Refs(HTMLParser):
    """Every src/href of a page, and the swagger-ui settings from its data-config."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.config: dict[str, object] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("src", "href") and value is not None:
                self.refs.append(value)
            if key == "data-config" and value is not None:
                self.config = json.loads(value)


@pytest.fixture
def api(tiny_ctx: ToolContext, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(make_app(tiny_ctx, tmp_path)) as client:
        yield client


def test_docs_load_nothing_from_elsewhere(api: TestClient) -> None:
    res = api.get("/docs")
    assert res.status_code == 200
    assert res.headers["content-security-policy"] == PAGE_HEADERS["Content-Security-Policy"]
    assert "://" not in res.text  # no CDN, no absolute URL of any kind
    page = _Refs()
    page.feed(res.text)
    assert any(r.endswith(".js") for r in page.refs) and any(r.endswith(".css") for r in page.refs)
    assert "<script>" not in res.text.replace(" ", "")  # no inline script: the CSP forbids it
    assert page.config["url"] == "/openapi.json" and page.config["validatorUrl"] is None
    for ref in page.refs:
        assert ref.startswith("/") and not ref.startswith("//"), ref
        asset = api.get(ref)
        assert asset.status_code == 200, ref
        assert asset.headers["x-content-type-options"] == "nosniff", ref
        assert len(asset.content) > 0
        if ref.endswith(".js"):
            assert "javascript" in asset.headers["content-type"], ref
    assert "paths" in api.get(str(page.config["url"])).json()


def test_static_files_say_nosniff(api: TestClient) -> None:
    for name in ("app.js", "app.css"):
        res = api.get(f"/static/{name}")
        assert res.status_code == 200
        assert res.headers["x-content-type-options"] == "nosniff"
        again = api.get(f"/static/{name}", headers={"if-none-match": res.headers["etag"]})
        assert again.status_code == 304 and again.headers["x-content-type-options"] == "nosniff"


def test_docs_draw_in_a_browser_under_the_csp(tiny_ctx: ToolContext, tmp_path: Path) -> None:
    """swagger-ui runs under the page's CSP: every operation is drawn, nothing is refused."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.test_browser import _chromium

    driver = _chromium(str(tmp_path / "profile"))
    try:
        with live_server(make_app(tiny_ctx, tmp_path)) as base:
            driver.get(f"{base}/docs")
            WebDriverWait(driver, 30).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock"))
            drawn = len(driver.find_elements(By.CSS_SELECTOR, ".opblock"))
            paths = httpx.get(f"{base}/openapi.json").json()["paths"]
            assert drawn == sum(len(ops) for ops in paths.values())
            errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert errors == []
    finally:
        driver.quit()
