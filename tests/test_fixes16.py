"""Bad input to `saywhy parse --batch` and to model loading is said in one plain sentence: a
batch file that is not UTF-8 or holds no questions, a model folder with no weights at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from saywhy.agent.terminal.app import app
from saywhy.tools.errors import UserError
from saywhy.tools.target.loading import _check_weights


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
