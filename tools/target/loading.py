"""Turn a model spec (demo name, directory, GGUF file or hub id) into a loaded Target.

Safety defaults: safetensors only (pickle checkpoints can run code when loaded) unless the caller
opts in with `allow_pickle`; `trust_remote_code` off unless asked.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ..errors import NotFoundError, TargetError, UserError
from ..home import cache_dir
from ..turn import OnProgress
from .base import Target
from .tabular import PICKLE_SUFFIXES

DEMO_MODELS: dict[str, str] = {
    "demo-sentiment": "all-MiniLM-L6-v2 fine-tuned on the Rotten Tomatoes critics demo train split "
                      "(positive / negative)",
    "demo-lm": "SmolLM2-135M-Instruct (GGUF Q4_1, dequantised once to safetensors)",
    "demo-tabular": "gradient boosting on TalkToModel's diabetes table (Pima Indians Diabetes "
                    "study; no diabetes / diabetes)",
}
TABLE_MODEL_SUFFIXES = (".skops", *PICKLE_SUFFIXES)
PICKLE_FILES = ("pytorch_model.bin", "tf_model.h5", "model.ckpt.index", "flax_model.msgpack")
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def fingerprint_dir(path: Path) -> str:
    """Stable id of a model directory: its config plus size and edges of each weights file."""
    digest = hashlib.sha256()
    for f in sorted(path.iterdir()):
        if f.name.endswith((".json", ".txt", ".model")) and f.stat().st_size < 5_000_000:
            digest.update(f.name.encode() + f.read_bytes())
        elif f.is_file():
            size = f.stat().st_size
            digest.update(f"{f.name}:{size}".encode())
            with open(f, "rb") as fh:
                digest.update(fh.read(1 << 20))
                fh.seek(max(0, size - (1 << 20)))
                digest.update(fh.read(1 << 20))
    return digest.hexdigest()[:16]


def _kind_of(config: dict[str, Any]) -> str:
    archs = " ".join(config.get("architectures") or [])
    if "ForSequenceClassification" in archs:
        return "classifier"
    if "ForCausalLM" in archs or "LMHeadModel" in archs or "ForConditionalGeneration" in archs:
        return "causal_lm"
    raise UserError(f"saywhy explains sequence classifiers and causal LMs; this model's "
                    f"architecture is {archs or 'not stated in config.json'}.")


def _check_weights(path: Path, allow_pickle: bool) -> None:
    """Safetensors load; a pickle checkpoint only when the user allows it (unpickling can run
    code); a folder with neither has nothing to load, whatever the user allows."""
    names = sorted(f.name for f in path.iterdir())
    if any(n.endswith(".safetensors") or n.endswith(".safetensors.index.json") for n in names):
        return
    pickled = [n for n in names if n in PICKLE_FILES or n.endswith(".bin")]
    if pickled:
        if allow_pickle:
            return
        raise UserError(
            f"{path} has only a pickle checkpoint ({', '.join(pickled)}). Loading pickle can run "
            "arbitrary code, so saywhy refuses it by default.",
            hint="If you trust this file, pass --allow-pickle; better, convert it to safetensors.")
    raise UserError(f"{path} has a config.json but no model weights (*.safetensors).")


def quiet_transformers() -> None:
    """Load reports and weight-loading bars are noise for saywhy's users."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def load_hf(source: str, *, name: str | None = None, allow_pickle: bool = False,
            trust_remote_code: bool = False, fingerprint: str | None = None,
            info: dict[str, Any] | None = None) -> Target:
    """Load a directory or hub id with transformers and wrap it in the right adapter."""
    from transformers import (
        AutoConfig,
        AutoModelForCausalLM,
        AutoModelForSequenceClassification,
        AutoTokenizer,
    )

    quiet_transformers()
    path = Path(source).expanduser()
    local = path.exists()
    if local:
        if not path.is_dir():
            raise UserError(f"{path} is a file; give a model directory or a .gguf file.")
        if not (path / "config.json").is_file():
            raise UserError(f"{path} is not a model directory: it has no config.json.")
        _check_weights(path, allow_pickle)
        config = json.loads((path / "config.json").read_text())
    else:
        try:
            config = AutoConfig.from_pretrained(
                source, trust_remote_code=trust_remote_code).to_dict()
        except Exception as exc:  # network, auth or missing repo: all mean "cannot load"
            raise NotFoundError(
                f"Could not load {source!r}: it is not a local path and the model hub did not "
                f"answer ({type(exc).__name__}).",
                hint="Use a local model directory, or `saywhy models` for the built-in demos.",
            ) from None
    kind = _kind_of(config)
    auto = AutoModelForSequenceClassification if kind == "classifier" else AutoModelForCausalLM
    kwargs: dict[str, Any] = {"trust_remote_code": trust_remote_code,
                              "attn_implementation": "eager"}
    if not allow_pickle:
        kwargs["use_safetensors"] = True
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path) if local else source,
                                                  trust_remote_code=trust_remote_code)
        model = auto.from_pretrained(str(path) if local else source, **kwargs)
    except (OSError, ValueError, RuntimeError) as exc:
        raise TargetError(
            f"Could not load the model at {source}: {str(exc).splitlines()[0]}") from None
    if not getattr(tokenizer, "is_fast", False):
        raise UserError(
            "saywhy needs a fast (Rust) tokenizer with character offsets for this model.")
    return _wrap(kind, model, tokenizer, name=name or path.name if local else source,
                 fingerprint=fingerprint or (fingerprint_dir(path) if local else source),
                 source=str(path) if local else source, info=info)


def _wrap(kind: str, model: Any, tokenizer: Any, **kw: Any) -> Target:
    from .causal_lm import HFCausalLM
    from .classifier import HFClassifier

    if tokenizer.pad_token is None and tokenizer.eos_token is not None:
        tokenizer.pad_token = tokenizer.eos_token
    cls = HFClassifier if kind == "classifier" else HFCausalLM
    return cls(model, tokenizer, **kw)


def convert_gguf(gguf: Path) -> Path:
    """Dequantise a GGUF file once into a safetensors folder in the cache (~11 s, then ~0.1 s)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    quiet_transformers()
    gguf = gguf.expanduser().resolve()
    stat = gguf.stat()
    key = hashlib.sha256(f"{gguf}:{stat.st_size}:{int(stat.st_mtime)}".encode()).hexdigest()[:12]
    out = cache_dir("converted") / f"{gguf.stem}-{key}"
    if (out / "model.safetensors").is_file():
        return out
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    except Exception as exc:  # the gguf reader raises many kinds on a bad file
        raise UserError(
            f"Could not read {gguf.name} as a GGUF model: {str(exc).splitlines()[0]}") from None
    if getattr(model, "hf_quantizer", None) is not None:
        model.hf_quantizer.remove_quantization_config(model)
    tmp = out.with_name(out.name + ".tmp")
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    tmp.rename(out)
    return out


def load_target(spec: str | None = None, *, allow_pickle: bool = False,
                trust_remote_code: bool = False,
                on_progress: OnProgress | None = None) -> Target:
    """Load a target by demo name, local directory, GGUF file, scikit-learn model file (.skops,
    or joblib/pickle with `allow_pickle`) or hub id; `on_progress` hears of a demo's one-time
    build."""
    from ..assets import require

    spec = (spec or "demo-sentiment").strip()
    if spec == "demo-sentiment":
        from .demo import ensure_demo_sentiment

        path, meta = ensure_demo_sentiment(on_progress=on_progress)
        return load_hf(str(path), name="demo-sentiment", info=meta)
    if spec == "demo-lm":
        path = convert_gguf(require("smollm2"))
        return load_hf(str(path), name="demo-lm",
                       info={"trained_on": "SmolLM2 pre-training and instruction data "
                                           "(HuggingFaceTB); Q4_1 GGUF, dequantised"})
    if spec == "demo-tabular":
        from ..tabular.demo import load_demo_tabular

        return load_demo_tabular(on_progress=on_progress)
    path = Path(spec).expanduser()
    if path.suffix.lower() in TABLE_MODEL_SUFFIXES:
        from .tabular import load_tabular

        return load_tabular(path, allow_pickle=allow_pickle)
    if path.suffix.lower() == ".gguf":
        if not path.is_file():
            raise NotFoundError(f"The GGUF file {spec!r} does not exist.")
        return load_hf(str(convert_gguf(path)), name=path.stem)
    if path.exists():
        return load_hf(str(path), allow_pickle=allow_pickle, trust_remote_code=trust_remote_code)
    if HUB_ID.match(spec) and not spec.startswith((".", "/", "~")):
        return load_hf(spec, allow_pickle=allow_pickle, trust_remote_code=trust_remote_code)
    raise NotFoundError(f"No model at {spec!r}: not a demo ({', '.join(DEMO_MODELS)}), "
                        "not an existing path, not a hub id.")
