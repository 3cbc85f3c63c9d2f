"""Datasets: formats, guessed columns, stable ids, and a clear error for each bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from saywhy.tools.data import load_dataset
from saywhy.tools.data.dataset import from_frame
from saywhy.tools.errors import NotFoundError, UserError


def test_formats_round_trip(tmp_path: Path) -> None:
    df = pd.DataFrame({"review": ["good film", "bad film"], "sentiment": ["pos", "neg"]})
    df.to_csv(tmp_path / "a.csv", index=False)
    df.to_json(tmp_path / "a.jsonl", orient="records", lines=True)
    df.to_parquet(tmp_path / "a.parquet")
    for name in ("a.csv", "a.jsonl", "a.parquet"):
        ds = load_dataset(tmp_path / name)
        assert ds.ids == [0, 1]
        assert ds.text(1) == "bad film"
        assert ds.label_names == ["neg", "pos"]


def test_explicit_id_column_is_kept() -> None:
    ds = from_frame(pd.DataFrame({"id": [10, 3], "text": ["x", "y"]}))
    assert ds.ids == [10, 3] and ds.text(3) == "y"
    with pytest.raises(NotFoundError, match="no item with id 4"):
        ds.row(4)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"foo,bar\n1,2\n", "Could not find a text column; the columns found are: foo, bar"),
        ("text\ncaf\u00e9\n".encode("latin-1"), "not UTF-8"),
        (b"text\n", "empty"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        load_dataset(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        load_dataset(tmp_path / "nope.csv")
    with pytest.raises(UserError, match="directory"):
        load_dataset(tmp_path)


def test_fingerprint_changes_with_content() -> None:
    a = from_frame(pd.DataFrame({"text": ["x", "y"], "label": ["p", "n"]}))
    b = from_frame(pd.DataFrame({"text": ["x", "y"], "label": ["p", "p"]}))
    assert a.fingerprint() != b.fingerprint()
    same = from_frame(pd.DataFrame({"text": ["x", "y"], "label": ["p", "n"]}))
    assert a.fingerprint() == same.fingerprint()
