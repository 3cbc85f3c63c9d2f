"""A user's own model and data, through the commands a user types: a tiny 3-class support-ticket
classifier (billing / technical issue / account access, built here like tests/tiny.py) and files
whose columns nothing guesses (`ref`, `complaint`, `dept`, `channel`), with integer labels, string
labels in another spelling, no labels, and JSONL.

What must hold: without the column flags a clear error naming `--text-column`; with them, the
user's ids (5001, not row numbers), the model's label names, the item noun of `--item-name`,
accuracy on labels reconciled with the model's, what was guessed said once on stderr, and never
the demo's "review", "positive" or "negative" in what the user reads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saywhy.agent.terminal.app import app
from tests.conftest import REAL_HOME

LABELS = ["billing", "technical issue", "account access"]
TICKETS = [  # (ref, complaint, dept as an index into LABELS, channel)
    (5001, "I was charged twice for my invoice this month", 0, "email"),
    (5002, "The app crashes every time I open the settings page", 1, "phone"),
    (5003, "I cannot log in because the password reset link expired", 2, "email"),
    (5004, "Please refund the extra charge on my card", 0, "chat"),
    (5005, "The upload fails with an error after a minute", 1, "email"),
    (5006, "My account is locked after too many login attempts", 2, "phone"),
    (5007, "Why is my invoice higher than my plan price", 0, "chat"),
    (5008, "The page is slow and the app freezes on sync", 1, "chat"),
    (5009, "I never got the code to verify my account", 2, "email"),
]
SPELLED = {0: "Billing", 1: "Technical_Issue", 2: "ACCOUNT ACCESS"}  # the file's own spelling
FLAGS = ["--text-column", "complaint", "--label-column", "dept", "--id-column", "ref",
         "--item-name", "ticket"]
DEMO_WORDS = re.compile(r"\b(reviews?|positive|negative)\b", re.I)


@dataclass(frozen=True)
class Files:
    model: str
    ints: str
    strings: str
    unlabelled: str
    jsonl: str


def _tokenizer() -> Any:
    """A WordPiece tokenizer over the tickets' own words (nothing downloaded)."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece
    from transformers import PreTrainedTokenizerFast

    words = sorted({w for _, text, _, _ in TICKETS for w in re.findall(r"\w+", text.lower())})
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = {tok: i for i, tok in enumerate(special + words)}
    tok = Tokenizer(WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
                                   model_max_length=64)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    """The 3-class model saved as a model directory, and the tickets in four files."""
    import pandas as pd
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    root = tmp_path_factory.mktemp("own-data")
    tokenizer = _tokenizer()
    torch.manual_seed(0)
    shape: dict[str, Any] = {  # a wide init makes the random model opinionated
        "vocab_size": len(tokenizer), "hidden_size": 32, "num_hidden_layers": 2,
        "num_attention_heads": 4, "intermediate_size": 64, "max_position_embeddings": 64,
        "num_labels": 3, "id2label": dict(enumerate(LABELS)),
        "label2id": {x: i for i, x in enumerate(LABELS)}, "initializer_range": 0.4}
    BertForSequenceClassification(BertConfig(**shape)).eval().save_pretrained(root / "model")
    tokenizer.save_pretrained(root / "model")
    frame = pd.DataFrame(TICKETS, columns=["ref", "complaint", "dept", "channel"])
    frame.to_csv(root / "tickets.csv", index=False)
    frame.assign(dept=frame["dept"].map(SPELLED)).to_csv(root / "tickets-named.csv", index=False)
    frame.drop(columns=["dept"]).to_csv(root / "unlabelled.csv", index=False)
    frame.assign(dept=frame["dept"].map(SPELLED)).to_json(root / "tickets.jsonl",
                                                           orient="records", lines=True)
    return Files(model=str(root / "model"), ints=str(root / "tickets.csv"),
                 strings=str(root / "tickets-named.csv"), unlabelled=str(root / "unlabelled.csv"),
                 jsonl=str(root / "tickets.jsonl"))


def _need_planner() -> None:
    if not (REAL_HOME / "assets" / "minilm").exists():
        pytest.skip("the MiniLM asset (offline planner) is missing; run `make setup`")


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), env=env, input=stdin)


def expected_accuracy(files: Files) -> float:
    """What the model gets right on the tickets, computed here from the model directly."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(files.model).eval()
    tokenizer = AutoTokenizer.from_pretrained(files.model)
    with torch.no_grad():
        batch = tokenizer([t for _, t, _, _ in TICKETS], padding=True, return_tensors="pt")
        said = model(**batch).logits.argmax(-1).tolist()
    return sum(s == gold for s, (_, _, gold, _) in zip(said, TICKETS, strict=True)) / len(TICKETS)


def ask(files: Files, data: str, *questions: str, flags: list[str] = FLAGS) -> Any:
    res = run("ask", "--json", "--model", files.model, "--data", data, *flags, *questions)
    assert res.exit_code == 0, res.output
    assert not DEMO_WORDS.search(res.stdout), res.stdout
    return res


def tool(files: Files, data: str, name: str, args: dict[str, Any],
         flags: list[str] = FLAGS) -> Any:
    res = run("tool", name, "--json", "--args", json.dumps(args), "--model", files.model,
              "--data", data, *flags)
    assert res.exit_code == 0, res.output
    assert not DEMO_WORDS.search(res.stdout), res.stdout
    return res


# ---- without the flags ---------------------------------------------------------------------
def test_without_flags_the_error_names_the_flag_and_the_columns(files: Files) -> None:
    res = run("tool", "predict", "--args", '{"id": 5001}', "--model", files.model,
              "--data", files.ints)
    assert res.exit_code == 2
    said = res.stderr.strip()
    assert "--text-column" in said and "ref, complaint, dept, channel" in said
    assert "Traceback" not in res.output and len(said.splitlines()) == 1


def test_a_column_that_is_not_there_is_one_sentence_listing_the_columns(files: Files) -> None:
    res = run("tool", "predict", "--args", '{"id": 5001}', "--model", files.model,
              "--data", files.ints, "--text-column", "body_text")
    assert res.exit_code == 2
    assert "'body_text'" in res.stderr and "ref, complaint, dept, channel" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


# ---- with the flags: ids, labels, noun, notes ------------------------------------------------
def test_predict_uses_the_users_ids_labels_and_noun(files: Files) -> None:
    _need_planner()
    res = ask(files, files.ints, "what do you predict for ticket 5001?")
    [turn] = json.loads(res.stdout)
    assert turn["calls"] == [{"tool": "predict", "args": {"id": 5001}}]
    [result] = turn["results"]
    assert result["id"] == 5001 and result["gold"] == "billing"
    assert result["label"] in LABELS and set(result["probs"]) == set(LABELS)
    assert "ticket #5001" in turn["answer"] and result["label"] in turn["answer"]
    # what was matched is said once, on stderr, never in the JSON
    assert "0 = billing, 1 = technical issue, 2 = account access" in res.stderr
    assert res.stderr.count("read as the model's labels") == 1


def test_accuracy_is_computed_on_reconciled_labels(files: Files) -> None:
    _need_planner()
    want = expected_accuracy(files)
    res = ask(files, files.ints, "how accurate are you?")
    [turn] = json.loads(res.stdout)
    assert [c["tool"] for c in turn["calls"]] == ["performance"]
    [score] = turn["results"][0]["scores"]
    assert score["n"] == len(TICKETS) and score["accuracy"] == pytest.approx(want)
    assert set(score["per_label"]) <= set(LABELS)
    # the same figure from labels spelled another way, and from JSONL
    for data in (files.strings, files.jsonl):
        out = tool(files, data, "performance", {})
        [again] = json.loads(out.stdout)["scores"]
        assert again["accuracy"] == pytest.approx(want), data
        assert "matched to the model's spelling" in out.stderr
        assert "'Technical_Issue' = 'technical issue'" in out.stderr


def test_show_a_ticket_by_the_users_id(files: Files) -> None:
    _need_planner()
    res = ask(files, files.ints, "show me ticket 5003")
    [turn] = json.loads(res.stdout)
    assert turn["calls"][0]["args"].get("ids") == [5003] or \
        turn["calls"][0]["args"].get("id") == 5003, turn["calls"]
    assert "password reset link" in turn["answer"] and "#5003" in turn["answer"]
    assert "gold account access" in turn["answer"]


def test_a_follow_up_stays_on_the_users_item(files: Files) -> None:
    _need_planner()
    res = ask(files, files.ints, "what do you predict for ticket 5002?", "why?")
    turns = json.loads(res.stdout)
    assert turns[1]["calls"][0]["tool"] == "attribute"
    assert turns[1]["calls"][0]["args"].get("id") == 5002
    assert "ticket #5002" in turns[1]["answer"]


def test_an_unlabelled_file_predicts_and_says_there_is_no_accuracy(files: Files) -> None:
    _need_planner()
    res = ask(files, files.unlabelled, "what do you predict for ticket 5006?",
              "how accurate are you?",
              flags=["--text-column", "complaint", "--id-column", "ref", "--item-name", "ticket"])
    predict, accuracy = json.loads(res.stdout)
    assert predict["results"][0]["id"] == 5006 and predict["results"][0]["gold"] is None
    assert "ticket #5006" in predict["answer"]
    assert re.search(r"no (gold )?labels?", accuracy["answer"], re.I), accuracy["answer"]


def test_the_tool_command_and_jsonl_use_the_same_flags(files: Files) -> None:
    res = tool(files, files.jsonl, "predict", {"id": 5009})
    found = json.loads(res.stdout)
    assert found["referent"] == "ticket #5009" and found["gold"] == "account access"
    plain = run("tool", "predict", "--args", '{"id": 5009}', "--model", files.model,
                "--data", files.jsonl, *FLAGS)
    assert plain.exit_code == 0 and "ticket #5009" in plain.stdout
    assert not DEMO_WORDS.search(plain.stdout)


def test_the_environment_names_the_columns(files: Files) -> None:
    env = {"SAYWHY_TEXT_COLUMN": "complaint", "SAYWHY_LABEL_COLUMN": "dept",
           "SAYWHY_ID_COLUMN": "ref", "SAYWHY_ITEM_NAME": "ticket"}
    res = run("tool", "predict", "--json", "--args", '{"id": 5004}', "--model", files.model,
              "--data", files.ints, env=env)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["referent"] == "ticket #5004"


def test_a_guess_is_said_on_stderr(files: Files, tmp_path: Path) -> None:
    import pandas as pd

    guessed = tmp_path / "guessed.csv"
    pd.read_csv(files.ints).rename(columns={"complaint": "message", "ref": "case_no"}).to_csv(
        guessed, index=False)
    res = run("tool", "predict", "--json", "--args", '{"id": 5001}', "--model", files.model,
              "--data", str(guessed), "--label-column", "dept")
    assert res.exit_code == 0, res.output
    assert "Using column `message` as the text, `case_no` as the id" in res.stderr
    assert json.loads(res.stdout)["referent"] == "item #5001"  # no --item-name: "item"


def test_parse_reads_the_data_with_the_same_flags(files: Files) -> None:
    _need_planner()
    res = run("parse", "--json", "--model", files.model, "--data", files.ints, *FLAGS,
              "what do you predict for ticket 5007?")
    assert res.exit_code == 0, res.output
    [turn] = json.loads(res.stdout)
    assert turn["calls"] == [{"tool": "predict", "args": {"id": 5007}}]
    assert "read as the model's labels" in res.stderr


# ---- the REPL ---------------------------------------------------------------------------------
def test_the_chat_banner_and_data_command_speak_the_users_words(files: Files) -> None:
    _need_planner()
    res = run("chat", "--model", files.model, "--data", files.unlabelled, "--text-column",
              "complaint", "--id-column", "ref",
              stdin=f"/data {files.ints} text=nope\n"
                    f"/data {files.ints} text=complaint label=dept id=ref item=ticket\n"
                    "what do you predict for ticket 5005?\n/state\n/examples\n/help\n")
    assert res.exit_code == 0, res.output
    out = " ".join(res.stdout.split())  # the console wraps long lines
    assert not DEMO_WORDS.search(out), out
    banner = out[:out.index("you ›")]
    assert "billing / technical issue / account access" in banner
    assert "9 items, no gold labels" in banner and "Try, for example" in banner
    assert "There is no column named 'nope' for the text (given with text=); the columns are: " \
           "ref, complaint, dept, channel." in out
    assert "data tickets (9 tickets)" in out and "read as the model's labels (0 = billing" in out
    assert "ticket #5005" in out and "focus ticket #5005" in out
    assert "subset none (all tickets)" in out
    assert "/data PATH [text=COL] [label=COL] [id=COL] [item=NAME]" in out
    assert re.search(r"What do you predict for ticket 50\d\d\?", out)  # /examples, filled


def test_data_command_arguments() -> None:
    from saywhy.agent.terminal.slash import data_spec
    from saywhy.tools.errors import UserError

    spec = data_spec('"my tickets.csv" text=complaint LABEL=dept id=ref item="support case"')
    assert (spec.path, spec.text_column, spec.label_column, spec.id_column, spec.item_name) == (
        "my tickets.csv", "complaint", "dept", "ref", "support case")
    for bad in ("text=complaint", "a.csv b.csv", "a.csv text=", 'a.csv item="x'):
        with pytest.raises(UserError, match="/data PATH"):
            data_spec(bad)


# ---- the server -------------------------------------------------------------------------------
def test_the_server_reads_the_columns_from_the_environment_and_reports_them(
        files: Files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from fastapi.testclient import TestClient

    from saywhy.agent.settings import Settings
    from saywhy.server.app import create_app
    from tests.serving import limits

    for name, value in {"MODEL": files.model, "DATA": files.ints, "TEXT_COLUMN": "complaint",
                        "LABEL_COLUMN": "dept", "ID_COLUMN": "ref",
                        "ITEM_NAME": "ticket"}.items():
        monkeypatch.setenv(f"SAYWHY_{name}", value)
    with TestClient(create_app(Settings(), limits=limits(tmp_path))) as client:
        deadline = time.monotonic() + 60
        while (ready := client.get("/api/v1/ready")).status_code != 200:
            assert time.monotonic() < deadline, ready.text
            time.sleep(0.1)
        info = ready.json()
    assert info["items"] == len(TICKETS) and info["labels"] == LABELS
    assert (info["item_name"], info["item_plural"]) == ("ticket", "tickets")
    assert any("0 = billing" in n for n in info["notes"])
    assert info["examples"] and any(re.search(r"ticket 50\d\d", q) for q in info["examples"])
    assert not DEMO_WORDS.search(json.dumps(info["examples"]))
