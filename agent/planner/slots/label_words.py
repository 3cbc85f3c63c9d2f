"""The words people use for a model's labels, built from the label names at run time.

A label is written as itself ("Technical_Issue" as "technical issue"), in another form of the
same word ("approved" as "approval" or "approve", "rejected" as "rejection", "diabetes" as
"diabetic"), negated ("no diabetes" as "non-diabetic"), or, for the decisions credit and
admission models make, with the everyday verb ("turned down" for rejected, "granted" for
approved); beside its positive label, a "no X" label is also "healthy". The forms come from the names and a few English suffixes, not from a list per data
set; a form two labels would share names neither.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .patterns import SYNONYMS, label_forms

# endings stripped to find a label word's stem, and endings that make its other forms
_STRIP = ("ations", "ation", "ions", "ion", "als", "al", "ics", "ic", "ing", "ed", "es", "e", "s")
_GROW = ("", "e", "ed", "es", "s", "al", "ion", "ions", "ic", "ing")
_LEAVE = ("leave", "leaves", "leaving", "left", "leaver", "leavers", "quit", "quits", "quitting",
          "quitter", "quitters", "resign", "resigns", "resigned", "resigning", "walk away")
_STAY = ("stay", "stays", "stayed", "staying", "stayer", "stayers", "remain", "remains",
         "remained", "stick around")
# everyday words for a decision, keyed by the stem of the label word they stand for
_DECISIONS = {
    "reject": ("turn down", "turned down", "turns down", "turning down", "deny", "denies",
               "denied", "denial", "decline", "declines", "declined", "refuse", "refused",
               "refusal"),
    "approv": ("accept", "accepted", "acceptance", "grant", "granted", "green light",
               "green lit", "okayed", "get the loan", "gets the loan", "got the loan",
               "getting the loan"),
    "accept": ("approve", "approved", "approval", "grant", "granted"),
    "deni": ("reject", "rejected", "rejection", "turn down", "turned down", "decline",
             "declined"),
    # a customer's or subscriber's choice, as churn and retention models name it
    "churn": ("leave", "leaves", "left", "leaving", "cancel", "cancels", "cancelled", "canceled",
              "cancelling", "canceling", "quit", "quits", "quitting", "walk away", "drop out"),
    "retain": ("stay", "stays", "stayed", "staying", "remain", "remains", "remained",
               "stick around", "renew", "renews", "renewed", "loyal"),
    # an employee's choice, as attrition models name it ("leaves" / "stays")
    "leave": _LEAVE, "leaves": _LEAVE, "stay": _STAY, "stays": _STAY,
    # a patient's return, as readmission models name it ("readmitted")
    "readmitt": ("readmission", "readmissions", "readmit", "come back", "comes back",
                 "came back", "coming back", "return to hospital", "returns to hospital",
                 "returned to hospital"),
}
# risk and credit labels in everyday words, keyed by the whole label ("bad risk", "high risk")
_RISK_BAD = ("risky", "uncreditworthy", "not creditworthy", "bad credit", "bad credit risk",
             "defaulter", "defaulters", "likely to default")
_RISK_GOOD = ("creditworthy", "good credit", "good credit risk", "safe bet", "safe bets")
_REOFFEND = ("dangerous", "reoffend", "reoffends", "reoffended", "reoffending", "re-offend",
             "re-offended", "recidivate", "recidivates", "recidivated", "recidivist", "recidivists",
             "commit another crime", "commits another crime", "committed another crime",
             "likely to reoffend")
_NOT_REOFFEND = ("not dangerous", "won't reoffend", "didn't reoffend", "did not reoffend",
                 "unlikely to reoffend", "no risk of reoffending")
_PHRASES = {"bad risk": _RISK_BAD, "bad credit": _RISK_BAD, "good risk": _RISK_GOOD,
            "good credit": _RISK_GOOD, "high risk": _REOFFEND, "low risk": _NOT_REOFFEND,
            "recidivism": _REOFFEND, "no recidivism": _NOT_REOFFEND}
_NEGATED = re.compile(r"^(?:no|not|non|without)[\s_-]+(.+)$")
_MIN_STEM = 5  # shorter stems ("bill" of billing) would read ordinary words as labels


def stem(word: str) -> str:
    """The word without its longest ending of `_STRIP` when at least `_MIN_STEM` letters stay
    ("approved" -> "approv", "diabetes" -> "diabet", "billing" -> "billing")."""
    for end in _STRIP:
        if word.endswith(end) and len(word) - len(end) >= _MIN_STEM:
            return word[: -len(end)]
    return word


def word_forms(word: str) -> set[str]:
    """Other forms of one label word: its stem with each ending of `_GROW`."""
    root = stem(word)
    if root == word:
        return {word}
    return {word} | {root + end for end in _GROW}


def _phrase_forms(phrase: str) -> set[str]:
    """A label phrase with its last word in each of its forms ("no diabetes", "no diabetic")."""
    words = phrase.split()
    return {" ".join([*words[:-1], w]) for w in word_forms(words[-1])} if words else set()


def label_vocabulary(labels: Sequence[str]) -> list[tuple[str, str]]:
    """(surface form, label) pairs, longest form first; a form two labels share is dropped."""
    pairs: list[tuple[str, str]] = []
    plain = {lab: " ".join(re.split(r"[\s_-]+", lab.strip().lower())) for lab in labels}
    for lab in labels:
        pairs += [(f, lab) for f in label_forms(lab)]
        pairs += [(f, lab) for f in _phrase_forms(plain[lab])]
        negated = _NEGATED.match(plain[lab])
        if negated:  # "no diabetes": "non-diabetic", "without diabetes" ("not diabetic" is left
            # to the "why not X" readings, which ask about X)
            for f in _phrase_forms(negated.group(1)):
                pairs += [(f"{neg} {f}", lab) for neg in ("non", "no", "without", "not having",
                                                          "free of", "not have", "doesn't have",
                                                          "does not have", "didn't have",
                                                          "don't have", "do not have")]
            if len(labels) == 2:  # "no diabetes" beside "diabetes": the healthy ones
                pairs += [("healthy", lab)]
        pairs += [(w, lab) for w in _PHRASES.get(plain[lab], ())]
        words = plain[lab].split()
        if len(words) >= 2 and len(words[0]) >= 7:  # "tech issue", "promo offer": the first
            pairs += [(" ".join([words[0][:n], *words[1:]]), lab)  # word shortened
                      for n in range(4, len(words[0]) - 1)]
        last = plain[lab].split()[-1] if plain[lab] else ""
        if not negated:  # ("not readmitted" is no "readmission")
            pairs += [(w, lab) for w in _DECISIONS.get(stem(last), ())]
    if len(labels) == 2:  # "to not be predicted diabetic": the other label, as a goal
        for lab, other in (labels, labels[::-1]):
            for f in {f for f, x in pairs if x == lab and not f.startswith(("no ", "non", "not "))}:
                pairs += [(f"{neg} {how}{f}", other) for neg in ("not be", "no longer be",
                                                                 "stop being", "not get",
                                                                 "not make", "not file")
                          for how in ("", "a ", "an ", "predicted ", "predicted as ",
                                      "classified as ", "labelled ", "labeled ")]
    lower = {lab.lower() for lab in labels}
    if {"positive", "negative"} <= lower:  # the demo's own synonyms, only for its labels
        canon = {lab.lower(): lab for lab in labels}
        for name, forms in SYNONYMS.items():
            pairs += [(f, canon[name]) for f in forms]
    owners: dict[str, set[str]] = {}
    for form, lab in pairs:
        owners.setdefault(form, set()).add(lab)
    kept = [(f, lab) for f, lab in dict.fromkeys(pairs) if len(owners[f]) == 1]
    return sorted(kept, key=lambda x: -len(x[0]))
