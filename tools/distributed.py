"""Dataset-level work on Ray, for data that outgrows one machine.

Predicting a whole dataset and explaining a global-importance sample are the same small step
repeated over many texts, so they spread over a Ray cluster as Ray Data `map_batches` over the
texts, with a callable class per worker that loads the target once (in `__init__`, from its
model directory) and keeps it for every batch it is given. Everything else stays where it was:
the driver keeps the caches (keyed by model and data fingerprints, as in-process), the turn's
`check()` and `progress()` between results, and the aggregation. What runs on the workers is in
`ray_workers.py`; `map_texts` gives the evals (accuracy, faithfulness) the same for any per-text
function.

The runner is per process, not per conversation: `ray.init` connects a process to one cluster,
so `configure(address)` (from `--ray`, `--ray-address` or `SAYWHY_RAY_ADDRESS`) chooses it
for everything the process does and `current()` hands it to the tools. Without it, or for a
target that has no model directory to load from (a model built in memory, a tabular model), the
work runs in-process as before. Ray is an optional extra (`saywhy[ray]`), imported only here and
only when the work is sent.

Results equal the in-process ones: the texts go in the same length-sorted chunks, each worker
runs the same `predict_proba` and `explain` with the conversation's seed, and the workers load
the very files the driver loaded (their fingerprint is checked). Only float rounding may differ,
from a different number of torch threads per worker.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import SaywhyError, SystemFailure, UserError
from .ray_workers import Explainer, Mapper, Predictor, TargetSpec, TextFn

if TYPE_CHECKING:
    import numpy as np

    from .context import ToolContext

log = logging.getLogger(__name__)

LOCAL = "local"           # start a Ray instance inside this process (all cores unless told)
LOCAL_STORE_BYTES = 256 * 1024 * 1024  # a local instance's object store: texts and probs only
MISSING = "Ray is not installed; install the extra: pip install 'saywhy[ray]'."


def quiet_ray() -> None:
    """Ray's own log records go where saywhy's go (the log file), not onto the user's screen."""
    for name in ("ray", "ray.data"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if isinstance(handler, logging.StreamHandler) and not isinstance(
                    handler, logging.FileHandler):
                logger.removeHandler(handler)
        logger.propagate = True


# ---- the runner -------------------------------------------------------------------------------
class RayRunner:
    """Sends dataset-level work to a Ray cluster (connected on first use) and gathers it."""

    def __init__(self, address: str = LOCAL, workers: int | None = None) -> None:
        self.address = address
        self.workers = workers

    def connect(self) -> None:
        """Join the cluster (or start a local instance) once per process."""
        try:
            import ray
            from ray.data import DataContext
        except ImportError:
            raise UserError(MISSING) from None
        if not ray.is_initialized():
            local = self.address == LOCAL
            quiet_ray()
            try:
                ray.init(address=None if local else self.address,
                         num_cpus=self.workers if local else None,
                         object_store_memory=LOCAL_STORE_BYTES if local else None,
                         include_dashboard=False, log_to_driver=False,
                         logging_level=logging.WARNING, configure_logging=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise SystemFailure(f"Could not reach the Ray cluster at {self.address}: "
                                    f"{str(exc).splitlines()[0] if str(exc) else exc}.") from None
        data = DataContext.get_current()
        data.enable_progress_bars = False  # progress goes through ctx.progress, not the screen
        data.print_on_execution_start = False

    def pool(self) -> int:
        """How many workers: as asked, else one per CPU of the cluster."""
        import ray

        cpus = int(ray.cluster_resources().get("CPU", 1))
        return max(1, min(self.workers or cpus, cpus))

    def actors(self, blocks: int) -> Any:
        """A pool of long-lived workers (each loads the target once), no more than blocks."""
        from ray.data import ActorPoolStrategy

        return ActorPoolStrategy(size=max(1, min(self.pool(), blocks)))

    def predict(self, ctx: ToolContext, texts: list[str], what: str) -> np.ndarray | None:
        """Probabilities [texts, labels] computed on the cluster in the length-sorted chunks
        of in-process work (one chunk a batch); None when the target cannot be sent (the
        caller runs it in-process)."""
        import numpy as np
        import pandas as pd

        from .data.predictions import sorted_chunks

        spec = TargetSpec.of(ctx.target)
        if spec is None:
            log.info("Ray: %s has no model directory for workers; in-process", ctx.target.name)
            return None
        self.connect()
        import ray.data

        blocks = [pd.DataFrame({"row": np.asarray(idx, dtype=np.int64),
                                "text": [texts[i] for i in idx]}) for idx in sorted_chunks(texts)]
        out = np.zeros((len(texts), len(ctx.target.labels)), dtype=np.float32)
        if not blocks:
            return out
        size = max(len(b) for b in blocks)
        ds = ray.data.from_pandas(blocks).map_batches(
            Predictor, fn_constructor_kwargs={"spec": spec}, batch_size=size, batch_format="numpy",
            compute=self.actors(len(blocks)), num_cpus=1)
        for batch in self._results(ctx, ds, len(texts), what):
            out[batch["row"]] = np.stack(list(batch["probs"]))
        return out

    def explain(self, ctx: ToolContext, ids: list[int], labels: list[int], method: str,
                store: dict[str, Any]) -> bool:
        """Explain the texts of `ids` on the cluster into `store` ({"id:label": [words,
        scores]}), entry by entry as results come in, so a stopped turn keeps what arrived.
        False when the target cannot be sent (the caller explains in-process)."""
        import numpy as np
        import pandas as pd

        spec = TargetSpec.of(ctx.target)
        if spec is None or ctx.data is None:
            log.info("Ray: %s has no model directory for workers; in-process", ctx.target.name)
            return False
        self.connect()
        import ray.data

        data = ctx.data
        parts = [part for part in np.array_split(np.asarray(ids, dtype=np.int64),
                                                 max(1, min(len(ids), 4 * self.pool())))
                 if len(part)]
        frames = [pd.DataFrame({"id": part, "text": [data.text(int(i)) for i in part]})
                  for part in parts]
        ds = ray.data.from_pandas(frames).map_batches(
            Explainer, fn_constructor_kwargs={"spec": spec, "method": method, "labels": labels,
                                              "seed": ctx.seed},
            batch_size=8, batch_format="numpy", compute=self.actors(len(parts)), num_cpus=1)
        what = f"Explaining {len(ids):,} texts with {method} on Ray (once)"
        for batch in self._results(ctx, ds, len(ids), what, key="id"):
            for i, found in zip(batch["id"], batch["scores"], strict=True):
                for lab, entry in json.loads(found).items():
                    store.setdefault(f"{int(i)}:{lab}", entry)
        return True

    def map(self, ctx: ToolContext, texts: list[str], fn: TextFn, what: str,
            prepare: Callable[[ToolContext], None] | None = None) -> list[Any] | None:
        """`fn(ctx, text)` for every text on the cluster (JSON-able results, in text order);
        None when the target cannot be sent."""
        import numpy as np
        import pandas as pd

        spec = TargetSpec.of(ctx.target)
        if spec is None:
            return None
        self.connect()
        import ray.data

        parts = [p for p in np.array_split(np.arange(len(texts)),
                                           max(1, min(len(texts), 4 * self.pool()))) if len(p)]
        ds = ray.data.from_pandas([pd.DataFrame({"row": p, "text": [texts[i] for i in p]})
                                   for p in parts]).map_batches(
            Mapper, fn_constructor_kwargs={"spec": spec, "fn": fn, "seed": ctx.seed,
                                           "prepare": prepare},
            batch_size=1, batch_format="numpy", compute=self.actors(len(parts)), num_cpus=1)
        out: list[Any] = [None] * len(texts)
        for batch in self._results(ctx, ds, len(texts), what):
            for row, found in zip(batch["row"], batch["out"], strict=True):
                out[int(row)] = json.loads(found)
        return out

    def _results(self, ctx: ToolContext, ds: Any, total: int, what: str,
                 key: str = "row") -> Any:
        """The dataset's output batches as they come; `ctx.check()` and `ctx.progress()` before
        each, so a stopped turn stops reading (and Ray stops the rest of the work)."""
        import ray.exceptions

        done = 0
        ctx.progress(0, total, what)
        try:
            for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
                ctx.check()
                done += len(batch[key])
                yield batch
                ctx.progress(done, total, what)
        except ray.exceptions.RayError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, SaywhyError):
                raise cause from None
            log.exception("Ray work failed")
            raise SystemFailure("The work sent to Ray failed on a worker "
                                f"({type(cause or exc).__name__}); see the log.") from None


# ---- the process's choice -----------------------------------------------------------------------
_current: RayRunner | None = None


def configure(address: str | None, workers: int | None = None) -> RayRunner | None:
    """Choose where this process runs dataset-level work: on Ray at `address` ('local' starts
    an instance here; 'auto', 'HOST:PORT' or 'ray://HOST:10001' join a cluster), or in-process
    for None. Nothing connects until the first such work."""
    global _current
    address = (address or "").strip()
    _current = RayRunner(address, workers) if address else None
    return _current


def configure_default(address: str | None) -> RayRunner | None:
    """`configure` from a setting (`SAYWHY_RAY_ADDRESS`) unless a flag already chose."""
    return configure(address) if address and _current is None else _current


def current() -> RayRunner | None:
    """The process's Ray runner, or None for in-process work."""
    return _current


def map_texts(ctx: ToolContext, texts: list[str], fn: TextFn, what: str,
              prepare: Callable[[ToolContext], None] | None = None) -> list[Any]:
    """`fn(ctx, text)` for every text: on Ray when the process uses it (results through JSON,
    so keep them plain; `prepare` readies each worker's context as the caller readied `ctx`),
    else here with `ctx.check()` before and `ctx.progress()` after each text."""
    found = _current.map(ctx, texts, fn, what, prepare) if _current is not None else None
    if found is not None:
        return found
    out = []
    for done, text in enumerate(texts, 1):
        ctx.check()
        out.append(fn(ctx, text))
        ctx.progress(done, len(texts), what)
    return out
