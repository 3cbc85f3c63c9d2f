"""Shared fixtures: a temporary SAYWHY_HOME for every test, tiny models, and the demo targets.

Integration fixtures reuse the assets and the built demo model from the developer's home
(`make setup` makes them) by linking them into the temporary home; they skip with the command
to run when that has not happened.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REAL_HOME = Path(os.environ.get("SAYWHY_HOME") or Path.home() / ".cache" / "saywhy")


def _have_minilm() -> bool:
    from saywhy.tools.assets import get_asset

    return get_asset("minilm").is_present()


# for modules whose every test plans with the offline planner (MiniLM, a registry-fetched asset)
needs_minilm = pytest.mark.skipif(not _have_minilm(),
                                  reason="the MiniLM asset is missing; run `make setup`")


def fail_with_screen(exc: BaseException, screen: str) -> None:
    """A pexpect wait that timed out or met EOF, reported with the end of the terminal screen."""
    shown = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen)[-3000:]
    pytest.fail(f"{type(exc).__name__} waiting for {str(exc.args[0]).splitlines()[-1]!r}; "
                f"the screen ended with:\n{shown}")
SHARED = ("assets", "models", "cache/converted", "cache/planner")


@pytest.fixture(autouse=True)
def _saywhy_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.getbasetemp() / "saywhy-home"
    if not home.exists():
        home.mkdir()
        for rel in SHARED:
            src = REAL_HOME / rel
            if src.exists():
                (home / rel).parent.mkdir(parents=True, exist_ok=True)
                (home / rel).symlink_to(src, target_is_directory=True)
    monkeypatch.setenv("SAYWHY_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _no_network_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real LLM calls are blocked in tests."""
    for var in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "SAYWHY_LLM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_classifier():  # type: ignore[no-untyped-def]
    from tests.tiny import tiny_classifier as build

    return build()


@pytest.fixture(scope="session")
def tiny_lm():  # type: ignore[no-untyped-def]
    from tests.tiny import tiny_lm as build

    return build()


@pytest.fixture(scope="session")
def tiny_dataset():  # type: ignore[no-untyped-def]
    from saywhy.tools.data.dataset import from_frame
    from tests.tiny import tiny_frame

    return from_frame(tiny_frame(), name="tiny-reviews", item_name="review")


@pytest.fixture
def tiny_ctx(tiny_classifier, tiny_dataset):  # type: ignore[no-untyped-def]
    from saywhy.tools.context import ToolContext

    return ToolContext(target=tiny_classifier, data=tiny_dataset)


@pytest.fixture
def tiny_lm_ctx(tiny_lm):  # type: ignore[no-untyped-def]
    from saywhy.tools.context import ToolContext

    return ToolContext(target=tiny_lm)


def _need_demo() -> None:
    if not (REAL_HOME / "models" / "demo-sentiment" / "saywhy.json").is_file():
        pytest.skip("demo-sentiment is not built; run `make setup`")


@pytest.fixture(scope="session")
def demo_sentiment():  # type: ignore[no-untyped-def]
    _need_demo()
    os.environ.setdefault("SAYWHY_HOME", str(REAL_HOME))
    from saywhy.tools.target import load_target

    return load_target("demo-sentiment")


@pytest.fixture(scope="session")
def demo_lm():  # type: ignore[no-untyped-def]
    if not (REAL_HOME / "assets" / "smollm2").exists():
        pytest.skip("the SmolLM2 asset is missing; run `make setup`")
    from saywhy.tools.target import load_target

    return load_target("demo-lm")


@pytest.fixture(scope="session")
def demo_data():  # type: ignore[no-untyped-def]
    if not (REAL_HOME / "assets" / "rt-corpus").exists():
        pytest.skip("the demo corpus is missing; run `make setup`")
    from saywhy.tools.data.demo import demo_dataset

    return demo_dataset()


@pytest.fixture
def demo_ctx(demo_sentiment, demo_data):  # type: ignore[no-untyped-def]
    from saywhy.tools.context import ToolContext

    return ToolContext(target=demo_sentiment, data=demo_data)
