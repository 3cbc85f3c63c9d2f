"""Conversations on disk: SQLite under SAYWHY_HOME, so a restart loses nothing.

One row per conversation holds `Conversation.to_dict()` (the dialogue state, enough to carry on);
one row per turn holds the question, the whole Answer as JSON and the user's feedback (the
transcript). WAL mode and one connection per thread make concurrent writers safe; each turn is
written in one transaction with the state it produced.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import jsonable

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    data TEXT,
    turns INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS messages (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    turn INTEGER NOT NULL,
    created REAL NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    feedback TEXT,
    comment TEXT,
    PRIMARY KEY (conversation_id, turn)
);
CREATE TABLE IF NOT EXISTS chat_keys (
    key TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    created REAL NOT NULL,
    ambiguous INTEGER NOT NULL DEFAULT 0
);
"""
# Columns added after the first release: (table, column, declaration) for older databases.
ADDED = [("conversations", "owner", "TEXT NOT NULL DEFAULT ''"),
         ("chat_keys", "ambiguous", "INTEGER NOT NULL DEFAULT 0")]


def _dumps(value: Any) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False, allow_nan=False)


class Store:
    """Thread-safe access to the conversation database (one connection per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        db = self._conn()
        db.executescript(SCHEMA)  # executescript commits on its own
        for table, column, declaration in ADDED:
            have = {r["name"] for r in db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")

    # ---- connections ------------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            # check_same_thread=False only so that close() may run on the shutdown thread
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None,
                                 check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = self._conn()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for db in conns:
            db.close()
        self._local = threading.local()

    def ping(self) -> bool:
        try:
            self._conn().execute("SELECT 1").fetchone()
            return True
        except sqlite3.Error:
            return False

    # ---- conversations ----------------------------------------------------------------------
    def create(self, cid: str, state: dict[str, Any], *, title: str = "", target: str = "",
               data: str | None = None, owner: str = "") -> dict[str, Any]:
        now = time.time()
        with self._tx() as db:
            db.execute("INSERT INTO conversations (id, created, updated, title, target, data, "
                       "turns, state, owner) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
                       (cid, now, now, title, target, data, _dumps(state), owner))
        return self.get(cid) or {}

    def owner(self, cid: str) -> str | None:
        """Who created the conversation (see `server/routers/openai_compat.py`), None if gone."""
        row = self._conn().execute("SELECT owner FROM conversations WHERE id = ?",
                                   (cid,)).fetchone()
        return str(row["owner"]) if row else None

    def get(self, cid: str) -> dict[str, Any] | None:
        row = self._conn().execute("SELECT id, created, updated, title, target, data, turns "
                                   "FROM conversations WHERE id = ?", (cid,)).fetchone()
        return dict(row) if row else None

    def state(self, cid: str) -> dict[str, Any] | None:
        row = self._conn().execute("SELECT state FROM conversations WHERE id = ?",
                                   (cid,)).fetchone()
        return json.loads(row["state"]) if row else None

    def delete(self, cid: str) -> bool:
        with self._tx() as db:
            return db.execute("DELETE FROM conversations WHERE id = ?", (cid,)).rowcount > 0

    def count(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM conversations").fetchone()[0])

    # ---- turns --------------------------------------------------------------------------------
    def save_turn(self, cid: str, state: dict[str, Any], turn: int, question: str,
                  answer: dict[str, Any]) -> bool:
        """Store a turn and the state it produced together; False if the conversation is gone."""
        now = time.time()
        with self._tx() as db:
            row = db.execute("SELECT title FROM conversations WHERE id = ?", (cid,)).fetchone()
            if row is None:
                return False
            title = row["title"] or " ".join(question.split())[:80]
            db.execute("UPDATE conversations SET updated = ?, title = ?, turns = ?, state = ? "
                       "WHERE id = ?", (now, title, turn, _dumps(state), cid))
            db.execute("INSERT OR REPLACE INTO messages (conversation_id, turn, created, question, "
                       "answer) VALUES (?, ?, ?, ?, ?)", (cid, turn, now, question, _dumps(answer)))
        return True

    def messages(self, cid: str) -> list[dict[str, Any]]:
        rows = self._conn().execute(
            "SELECT turn, created, question, answer, feedback, comment FROM messages "
            "WHERE conversation_id = ? ORDER BY turn", (cid,)).fetchall()
        return [{**dict(r), "answer": json.loads(r["answer"])} for r in rows]

    def set_feedback(self, cid: str, turn: int, rating: str | None,
                     comment: str | None) -> bool:
        with self._tx() as db:
            return db.execute("UPDATE messages SET feedback = ?, comment = ? WHERE "
                              "conversation_id = ? AND turn = ?",
                              (rating, comment, cid, turn)).rowcount > 0

    # ---- OpenAI-compatible chats: a key (hash of the messages so far) -> conversation ---------
    def bind_key(self, key: str, cid: str) -> None:
        """Let `key` find `cid`. A key that two conversations produced finds neither from then
        on: identical histories must never let one client continue another's conversation."""
        with self._tx() as db:
            row = db.execute("SELECT conversation_id FROM chat_keys WHERE key = ?",
                             (key,)).fetchone()
            if row is None:
                db.execute("INSERT INTO chat_keys (key, conversation_id, created) "
                           "VALUES (?, ?, ?)", (key, cid, time.time()))
            elif row["conversation_id"] != cid:
                db.execute("UPDATE chat_keys SET ambiguous = 1 WHERE key = ?", (key,))

    def lookup_key(self, key: str) -> str | None:
        row = self._conn().execute("SELECT conversation_id FROM chat_keys WHERE key = ? AND "
                                   "ambiguous = 0", (key,)).fetchone()
        return str(row["conversation_id"]) if row else None
