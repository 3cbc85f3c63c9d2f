"""Held-out accuracy of demo-sentiment, next to a yardstick trained in the same run.

demo-sentiment (MiniLM fine-tuned one epoch on the demo train split) is scored on the demo
corpus's held-out test split and on SST-2 (the GLUE dev set, 872 sentences, a different source:
movie-review sentences rather than critics' snippets). The yardstick is the obvious cheap
alternative: the *frozen* all-MiniLM-L6-v2 encoder, mean-pooled and L2-normalised like
sentence-transformers does, with a scikit-learn LogisticRegression trained on the same demo train
split (expected about 0.76 on the demo test split and 0.82 on SST-2). Fine-tuning earns its keep
only if it beats that. Intervals are normal-approximation 95 % intervals on the accuracy.

SST was built from the same Rotten Tomatoes snippets (Pang & Lee 2005) as the demo corpus, so
about two thirds of the SST-2 sentences are in the demo train split both models learnt from;
"SST-2 unseen" scores only the others (matched on lower-cased letters and digits).
"""

from __future__ import annotations

import argparse
import math
import time
from typing import Any

from .bench_ray import add_ray_option, predict, use_ray
from .common import (
    Missing,
    demo_split,
    in_demo_train,
    load_demo,
    machine_note,
    print_table,
    read_sst2,
    run_main,
)


def _ci(acc: float, n: int) -> str:
    half = 1.96 * math.sqrt(max(acc * (1 - acc), 1e-12) / max(n, 1))
    return f"±{half:.3f}"


def frozen_minilm_embed(texts: list[str], batch_size: int = 64, max_length: int = 128) -> Any:
    """Mean-pooled, L2-normalised all-MiniLM-L6-v2 sentence embeddings (no fine-tuning)."""
    import numpy as np
    import torch
    from transformers import AutoModel, AutoTokenizer

    from saywhy.tools.assets import get_asset
    from saywhy.tools.target.loading import quiet_transformers

    asset = get_asset("minilm")
    if not asset.is_present():
        raise Missing("The MiniLM encoder asset is not fetched; run `make setup` first.")
    quiet_transformers()
    tokenizer = AutoTokenizer.from_pretrained(str(asset.path))
    model = AutoModel.from_pretrained(str(asset.path), use_safetensors=True).eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            batch = tokenizer([texts[j] for j in idx], padding=True, truncation=True,
                              max_length=max_length, return_tensors="pt")
            last = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(last.dtype)
            pooled = (last * mask).sum(1) / mask.sum(1).clamp(min=1)
            out[idx] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
    return out


def _accuracy(pred: Any, gold: Any) -> float:
    import numpy as np

    return float((np.asarray(pred) == np.asarray(gold)).mean())


def run(yardstick: bool = True) -> None:
    """Print accuracies of demo-sentiment (and the frozen-MiniLM yardstick) on both test sets."""
    import numpy as np

    print(machine_note())
    test_x, test_y = demo_split("test")
    try:
        sst_x, sst_y = read_sst2("test")
    except Missing as exc:
        print(f"SST-2 rows skipped: {exc}")
        sst_x, sst_y = [], []
    target = load_demo("demo-sentiment")
    pos = target.label_index("positive")  # type: ignore[attr-defined]
    # (name, texts, gold 0/1, mask of the items scored)
    sets: list[tuple[str, list[str], Any, Any]] = [
        ("demo test", test_x, np.array([y == "positive" for y in test_y], dtype=int),
         np.ones(len(test_x), dtype=bool))]
    notes = [f"stored at build time (saywhy.json): {target.info.get('held_out_accuracy')} on "
             f"{target.info.get('held_out_size')} demo test items."]
    if sst_x:
        seen = np.array(in_demo_train(sst_x))
        gold = np.array(sst_y, dtype=int)
        sets += [("SST-2", sst_x, gold, np.ones(len(sst_x), dtype=bool)),
                 ("SST-2 unseen", sst_x, gold, ~seen)]
        notes.append(f"SST-2: {int(seen.sum())} of {len(sst_x)} sentences also occur in the demo "
                     "train split (SST is built from the same Rotten Tomatoes snippets); "
                     "'SST-2 unseen' scores only the other "
                     f"{int((~seen).sum())}.")

    def score(model: str, predict: Any) -> dict[str, float]:
        found: dict[str, float] = {}
        cache: dict[int, Any] = {}
        for name, xs, gold, mask in sets:
            seconds = None
            if id(xs) not in cache:  # the "unseen" row reuses the SST-2 predictions
                start = time.perf_counter()
                cache[id(xs)] = predict(xs)
                seconds = time.perf_counter() - start
            acc = _accuracy(cache[id(xs)][mask], gold[mask])
            found[name] = acc
            rows.append([model, name, int(mask.sum()), acc, _ci(acc, int(mask.sum())), seconds])
        return found

    rows: list[list[Any]] = []
    ours = score("demo-sentiment (fine-tuned)", lambda xs: (
        predict(target, xs).argmax(1) == pos).astype(int))  # on Ray with --ray
    if yardstick:
        from sklearn.linear_model import LogisticRegression

        train_x, train_y = demo_split("train")
        start = time.perf_counter()
        clf = LogisticRegression(max_iter=2000, C=1.0)
        clf.fit(frozen_minilm_embed(train_x), [y == "positive" for y in train_y])
        fit_s = time.perf_counter() - start
        theirs = score("yardstick: frozen MiniLM + LR",
                       lambda xs: clf.predict(frozen_minilm_embed(xs)).astype(int))
        notes += [f"{name}: fine-tuned minus yardstick = {ours[name] - theirs[name]:+.3f}"
                  for name in ours]
        notes.append(f"yardstick trained on {len(train_x):,} demo train snippets in {fit_s:.1f} s "
                     "(embedding + fit); seconds = predicting (embedding + LR) each test set.")
    print_table("Held-out accuracy (demo-sentiment vs frozen-encoder yardstick)",
                ["model", "test set", "n", "accuracy", "95% CI", "seconds"], rows,
                note="\n".join(notes))


def main() -> None:
    parser = argparse.ArgumentParser(description="Held-out accuracy of demo-sentiment.")
    parser.add_argument("--no-yardstick", action="store_true",
                        help="skip the frozen-MiniLM + LogisticRegression comparison")
    add_ray_option(parser)
    args = parser.parse_args()
    use_ray(args.ray)
    run_main(lambda: run(yardstick=not args.no_yardstick))


if __name__ == "__main__":
    main()
