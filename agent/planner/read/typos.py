"""Misspellings fixed before a question is classified ("explian", "simlar", "tikets").

Two steps, only on whole words and only outside quotes (the user's data keeps its spelling):
1. chat shorthand, a short table of the forms people type in chat ("u", "pls", "w/", "expl");
2. any other word that is not a known word (the example bank's words, the tools' cue words, the
   target's labels, the encoder's own word list) is replaced by the nearest word of the planner's
   vocabulary (the example bank and the tools' cue words), by optimal string alignment distance
   (rapidfuzz): at most 1 edit for words of 4-5 letters, 2 from 6 letters, the first letter kept,
   the most frequent word winning a tie. A word the user gives as a value ("mention login",
   "with the word refnd") is never touched, nor a capitalised name inside a sentence.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable

# Shorthand people type in chat (not misspellings: those are found by distance).
CHAT = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "y": "why",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "ty": "thanks",
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "wats": "what's",
    "whats": "what's",
    "hw": "how",
    "abt": "about",
    "bc": "because",
    "b/c": "because",
    "w/": "with",
    "w/o": "without",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "cant": "can't",
    "isnt": "isn't",
    "pred": "predict",
    "preds": "predictions",
    "expl": "explain",
    "acc": "accuracy",
    "perf": "performance",
    "prob": "probability",
    "probs": "probabilities",
    "attn": "attention",
}
_NUMBER_OF = re.compile(r"\b[Nn]o\.?\s+of\b")
_CHAT_RX = re.compile(r"(?<![\w/&])(?:w/o|w/|b/c|[A-Za-z]+)(?![\w/&])")  # ("R&D" is no "are")
# the word after these is the user's value, kept as written
_VALUE_CUE = re.compile(
    r"\b(?:mention(?:s|ed|ing)?|contain(?:s|ed|ing)?|includ(?:e|es|ed|ing)|word|words|phrase|term"
    r"|about|say(?:s|ing)?|without|with)\s+(?:the\s+|a\s+)?$",
    re.I,
)
_lock = threading.Lock()
_vocab: tuple[frozenset[str], list[str], Counter[str]] | None = None
_without_english = False


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def _encoder_words() -> set[str]:
    """Whole words of the MiniLM word-piece list (a general English word list), if present."""
    try:
        from saywhy.tools.assets import get_asset

        asset = get_asset("minilm")
        if not asset.is_present():
            return set()
        path = asset.path / "vocab.txt"
        return {w for w in path.read_text(encoding="utf-8").split() if w.isalpha()}
    except Exception:  # noqa: BLE001 - without the list, only the bank's words count as known
        return set()


def _cue_words() -> set[str]:
    from saywhy.tools import registry

    found: set[str] = set()
    for t in registry.all_tools():
        for rx in (*t.text.strong, *t.text.weak):
            plain = re.sub(r"\\[a-zA-Z]", " ", rx)  # \b, \w, \s ...
            found |= {w for w in re.findall(r"[a-z]{4,}", plain.lower())}
        found |= set(_words(t.name.replace("_", " ")))
    return found


def _rule_words() -> set[str]:
    """The words the planner's own rules read ("ablate", "prepend" ...): never typos."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    found: set[str] = set()
    for stage in ("read", "intent", "slots"):
        for path in (root / stage).glob("*.py"):
            for literal in re.findall(r"r?f?\"[^\"\n]*\"", path.read_text(encoding="utf-8")):
                plain = re.sub(r"[-\s]\?", "", literal)  # "re-?train": "retrain"
                found |= set(re.findall(r"[a-z]{4,}", re.sub(r"\\[a-zA-Z]", " ", plain)))
    return found


def vocabulary() -> tuple[frozenset[str], list[str], Counter[str]]:
    """(known words, the words a typo may become, how often each is in the bank)."""
    global _vocab, _without_english
    with _lock:
        if _vocab is None or (_without_english and _encoder_words()):
            # built without the English word list (its asset was missing, as in a home not yet
            # set up): read again once the list is there, or common words pass for typos
            from ..intent.classifier import load_bank

            counts: Counter[str] = Counter()
            for examples in load_bank().values():
                for ex in examples:
                    counts.update(_words(ex))
            english = _encoder_words()
            _without_english = not english
            cues = _cue_words()
            rules = _rule_words()
            # the English words the planner's rules read ("decrease", "likelihood") are what a
            # typo may mean too, not only the bank's
            targets = {w for w, n in counts.items()
                       if len(w) >= 3 and (w in english or n >= 3)} | cues | (rules & english)
            # the bank spells a few words wrong on purpose: a word seen once or twice there is
            # not known for that
            known = frozenset({w for w, n in counts.items() if n >= 3} | english | cues
                              | set(CHAT) | rules)
            _vocab = (known, sorted(targets), counts)
    return _vocab


_english: frozenset[str] | None = None


def english_word(word: str) -> bool:
    """Whether `word` is in the encoder's English word list ("stats" is, "postive" is not)."""
    global _english
    if not _english:  # (read again while the word list's asset is missing, as vocabulary does)
        _english = frozenset(_encoder_words())
    return word.lower() in _english


def bank_words() -> frozenset[str]:
    """Words the example bank uses often (three times or more): the planner's English."""
    counts = vocabulary()[2]
    return frozenset(w for w, n in counts.items() if n >= 3)


def nearest(word: str, extra_known: Iterable[str] = ()) -> str | None:
    """The vocabulary word `word` misspells, or None when it is known or nothing is near."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    low = word.lower()
    known, targets, counts = vocabulary()
    if len(low) < 4 or low in known or low in extra_known:
        return None
    inflected = any(low.endswith(end) and len(low) - len(end) >= 3 and low[: -len(end)] in known
                    for end in ("ers", "ing", "ed", "es", "er", "ly", "s"))  # "earners"
    limit = 1 if len(low) <= 5 or inflected else 2  # (of "earn" is no two-edit "earned")
    found = process.extract(low, targets, scorer=OSA.distance, score_cutoff=limit, limit=12)
    found = [(w, d) for w, d, _ in found if abs(len(w) - len(low)) <= limit
             and (w[0] == low[0] or (d == 1 and len(low) >= 6))]
    if not found:  # an abbreviation by dropped letters: "expln", "explntn"
        found = [(w, 1) for w in targets if w[0] == low[0] and len(low) >= 0.6 * len(w)
                 and len(w) > len(low) and _subsequence(low, w)]
    if not found:
        return None
    best = min(d for _, d in found)
    return max((w for w, d in found if d == best), key=lambda w: (counts.get(w, 0), -len(w)))


def _subsequence(short: str, word: str) -> bool:
    letters = iter(word)
    return all(ch in letters for ch in short)


def fix_typos(text: str, extra_known: Iterable[str] = ()) -> str:
    """`text` with chat shorthand spelled out and misspelled words replaced."""
    extra = {w.lower() for w in extra_known}
    text = _NUMBER_OF.sub("number of", text)  # "no of tickets", "no. of errors"
    text = _CHAT_RX.sub(lambda m: CHAT.get(m.group(0).lower(), m.group(0)), text)
    out: list[str] = []
    last = 0
    for m in re.finditer(r"[A-Za-z]+(?:'[a-z]+)?", text):
        word = m.group(0)
        out.append(text[last : m.start()])
        last = m.end()
        before = text[: m.start()]
        inside = re.search(r"[A-Za-z]", before) and not re.search(r"[.!?]\s*$", before)
        if "'" in word or (inside and word[0].isupper()) or _VALUE_CUE.search(before):
            out.append(word)
            continue
        fixed = nearest(word, extra)
        out.append(word if fixed is None else fixed)
    out.append(text[last:])
    return "".join(out)
