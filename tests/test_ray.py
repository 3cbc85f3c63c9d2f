"""Dataset-level work on Ray (`saywhy.tools.distributed`) against in-process work: on a local
Ray instance with 2 CPUs and 2 workers, predictions over the data and global importance give what
in-process work gives, fill the same caches, and `saywhy ask --ray` names the same words.
Skipped when Ray (the `saywhy[ray]` extra) is not installed."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ray")

from saywhy.tools import distributed, global_importance, registry  # noqa: E402
from saywhy.tools.context import ToolContext  # noqa: E402
from saywhy.tools.data import predictions  # noqa: E402
from saywhy.tools.data.dataset import from_frame  # noqa: E402
from saywhy.tools.home import cache_dir  # noqa: E402
from tests.conftest import REAL_HOME  # noqa: E402
from tests.tiny import REVIEWS  # noqa: E402

WORKERS = 2


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    """One local Ray instance for the module: 2 CPUs, so 2 workers."""
    import ray

    ray.init(num_cpus=WORKERS, object_store_memory=distributed.LOCAL_STORE_BYTES,
             include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


@pytest.fixture
def on_ray(cluster: None) -> Iterator[distributed.RayRunner]:
    runner = distributed.configure(distributed.LOCAL, workers=WORKERS)
    assert runner is not None
    yield runner
    distributed.configure(None)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The tiny classifier saved as a model directory, which workers load from."""
    from tests.tiny import tiny_classifier_parts

    root = tmp_path_factory.mktemp("tiny-ray") / "model"
    model, tokenizer = tiny_classifier_parts()
    model.save_pretrained(root)
    tokenizer.save_pretrained(root)
    return str(root)


def _texts(n: int) -> list[str]:
    """n reviews of varied length (more than one length-sorted chunk for n > 256)."""
    return [f"{REVIEWS[i % len(REVIEWS)][0]}{' and really fun' * (i % 5)}" for i in range(n)]


def _ctx(model_dir: str, n: int) -> ToolContext:
    from saywhy.tools.target import load_target

    frame = pd.DataFrame({"text": _texts(n),
                          "label": [REVIEWS[i % len(REVIEWS)][1] for i in range(n)]})
    return ToolContext(target=load_target(model_dir), data=from_frame(frame, name=f"ray-{n}"))


def _clear(folder: str) -> None:
    for f in cache_dir(folder).iterdir():
        f.unlink()


def test_predictions_on_ray_equal_in_process_and_fill_the_same_cache(
        on_ray: distributed.RayRunner, model_dir: str) -> None:
    calls: list[int] = []
    predict = on_ray.predict

    def counted(ctx: ToolContext, texts: list[str], what: str) -> Any:
        calls.append(len(texts))
        return predict(ctx, texts, what)

    on_ray.predict = counted  # type: ignore[method-assign]
    seen: list[tuple[int, int]] = []
    ctx = _ctx(model_dir, 300)
    with ctx.turn(on_progress=lambda e: seen.append((e.done or 0, e.total or 0))):
        sent = predictions.dataset_predictions(ctx)
    assert calls == [300]
    assert seen[-1] == (300, 300)  # progress reached the end, counted in texts
    assert predictions.has_cached(ToolContext(target=ctx.target, data=ctx.data))

    distributed.configure(None)
    _clear("predictions")
    here = predictions.dataset_predictions(ToolContext(target=ctx.target, data=ctx.data))
    assert np.array_equal(sent.ids, here.ids)
    np.testing.assert_allclose(sent.probs, here.probs, atol=1e-5)
    assert np.array_equal(sent.probs.argmax(1), here.probs.argmax(1))


def test_global_importance_on_ray_gives_the_in_process_words(on_ray: distributed.RayRunner,
                                                             model_dir: str) -> None:
    args = {"k": 5, "sample_size": 24, "method": "occlusion"}
    ctx = _ctx(model_dir, 40)
    sent = registry.get("global_importance").run(ctx, args)
    assert sent.computed == 24
    stored = global_importance._store_path(ctx, "occlusion")  # other tests store theirs too
    assert stored.exists()
    again = registry.get("global_importance").run(ToolContext(target=ctx.target, data=ctx.data),
                                                  args)
    assert again.computed == 0  # the store Ray's results went into is the in-process one

    distributed.configure(None)
    stored.unlink()
    here = registry.get("global_importance").run(ToolContext(target=ctx.target, data=ctx.data),
                                                 args)
    assert here.computed == 24
    for a, b in zip(sent.labels, here.labels, strict=True):
        assert [w.word for w in a.towards] == [w.word for w in b.towards]
        np.testing.assert_allclose([w.total for w in a.towards], [w.total for w in b.towards],
                                   atol=1e-3)
        assert a.stability == b.stability


def _confidence(ctx: ToolContext, text: str) -> dict[str, Any]:
    """A per-text function of the kind the evals map over texts (grading one sentence)."""
    return {"text": text, "p": [round(float(p), 5) for p in ctx.probs([text])[0]],
            "seed": ctx.seed, "prepared": ctx.cache.get(("prepared",), False)}


def _prepare(ctx: ToolContext) -> None:
    ctx.cache[("prepared",)] = True


def test_map_texts_on_ray_equals_in_process_in_order(on_ray: distributed.RayRunner,
                                                     model_dir: str) -> None:
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests/
    ctx = _ctx(model_dir, 10)
    ctx.seed = 7
    texts = _texts(10)
    sent = distributed.map_texts(ctx, texts, _confidence, "grading", prepare=_prepare)
    distributed.configure(None)
    _prepare(ctx)
    here = distributed.map_texts(ctx, texts, _confidence, "grading", prepare=_prepare)
    assert [r["text"] for r in sent] == texts
    assert all(r["prepared"] and r["seed"] == 7 for r in sent)
    for a, b in zip(sent, here, strict=True):
        np.testing.assert_allclose(a["p"], b["p"], atol=1e-4)


def test_a_model_built_in_memory_stays_in_process(on_ray: distributed.RayRunner,
                                                  tiny_classifier: Any) -> None:
    """Workers cannot load a model that has no directory: the work runs here, and says why in
    the log rather than failing."""
    frame = pd.DataFrame({"text": _texts(12)})
    ctx = ToolContext(target=tiny_classifier, data=from_frame(frame, name="in-memory"))
    assert on_ray.predict(ctx, _texts(12), "x") is None
    got = predictions.dataset_predictions(ctx)
    np.testing.assert_allclose(got.probs, tiny_classifier.predict_proba(_texts(12)), atol=1e-6)


def test_a_worker_refuses_other_model_files(model_dir: str, tmp_path: Path) -> None:
    from saywhy.tools.errors import TargetError
    from saywhy.tools.target import load_target

    spec = distributed.TargetSpec.of(load_target(model_dir))
    assert spec is not None
    changed = distributed.TargetSpec(source=spec.source, name=spec.name,
                                     fingerprint="not-these-files")
    with pytest.raises(TargetError, match="differ"):
        changed.load()
    with pytest.raises(TargetError, match="cannot read"):
        distributed.TargetSpec(source=str(tmp_path / "gone"), name="x", fingerprint="x").load()


def test_ask_with_ray_names_the_words_it_names_without(cluster: None, model_dir: str,
                                                       tmp_path: Path) -> None:
    """`saywhy ask --ray "which words matter most overall?"` on a local Ray instance."""
    from typer.testing import CliRunner

    from saywhy.agent.terminal.app import app

    if not (REAL_HOME / "assets" / "minilm").exists():
        pytest.skip("the MiniLM asset (offline planner) is missing; run `make setup`")
    data = tmp_path / "reviews.csv"
    pd.DataFrame({"text": _texts(16), "label": [REVIEWS[i % len(REVIEWS)][1]
                                                for i in range(16)]}).to_csv(data, index=False)
    explained: list[int] = []
    explain = distributed.RayRunner.explain

    def counted(self: distributed.RayRunner, ctx: ToolContext, ids: list[int],
                *rest: Any) -> bool:
        explained.append(len(ids))
        return explain(self, ctx, ids, *rest)

    def ask(*flags: str) -> list[str]:
        res = CliRunner().invoke(app, ["ask", *flags, "--model", model_dir, "--data", str(data),
                                       "--json", "which words matter most overall?"])
        assert res.exit_code == 0, res.output
        (turn,) = json.loads(res.stdout)
        assert [c["tool"] for c in turn["calls"]] == ["global_importance"]
        (result,) = turn["results"]
        return [w["word"] for lab in result["labels"] for w in lab["towards"]]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(distributed.RayRunner, "explain", counted)
        try:
            with_ray = ask("--ray")
        finally:
            distributed.configure(None)
    assert explained == [16]  # every text was explained by Ray's workers
    _clear("global_importance")
    assert with_ray and ask() == with_ray


def test_without_ray_installed_the_user_is_told_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from saywhy.tools.errors import UserError

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if it were absent
    with pytest.raises(UserError, match=r"saywhy\[ray\]"):
        distributed.RayRunner(distributed.LOCAL).connect()
