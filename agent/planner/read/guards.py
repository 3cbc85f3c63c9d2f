"""Guards on a message before it is read as a question: empty, emoji-only, gibberish, too long
or not English gets a polite answer instead of a plan, so that nothing downstream guesses."""

from __future__ import annotations

import re

from .replies import help_text

_ENGLISH = set(
    """the a an is are was were what why how which who of for to in on and or you your me my
it its this that these those do does did can could would will should with show explain predict
tell give find list about model review reviews words word text data accuracy if not no yes please
i we be been have has top most much many any some all mistakes similar attention layer help
hi hello thanks thank ok okay hey""".split()
)
_KNOWN = re.compile(
    r"\b(?:shap|lime|occlusion|ig|logit|counterfactual|rollout|keywords?|filter"
    r"|reset"
    r"|predict\w*|classif\w*|accura\w*|attribut\w*|explain\w*|faithful\w*|review"
    r"|item|id)\b",
    re.I,
)


def unusable_reply(text: str, max_chars: int) -> str | None:
    """A polite answer for input no planner can use, else None."""
    if text is None or not str(text).strip():
        return "Ask me something about the model. " + help_text()
    if len(text) > max_chars:
        return (
            f"That message is {len(text):,} characters long; I can read at most {max_chars:,}. "
            "To analyse a long text, send a shorter excerpt, e.g. `predict: <text>`."
        )
    if not re.search(r"[^\W_]", text):
        return "I can only read words, not emoji or symbols on their own. " + help_text()
    letters = re.findall(r"[^\W\d_]", text)
    if letters and sum(1 for ch in letters if ord(ch) > 0x24F) / len(letters) > 0.5:
        return "I only understand questions in English so far. " + help_text()
    return None


_FOREIGN = set(
    """el la los las es por qué que porque está son una un del con para como pero der die das ist
und nicht warum wie was ein eine ich sie es bitte mit für auf le les est une des pourquoi
quoi avec pour dans sur il elle très il lo gli è perché che di per non sono questo o não é
um uma quel quelle quels quelles cette ces qui mon ma mes vous nous ne pas du au aux modèle
den dem einen einem sind wer wo zu zum zur bei von vom im sagt modell welche welcher welches
cuál cuáles cómo dónde al mi su modelo questa dove quale modello os da""".split()
)
# words both English and another language: they count for English only
_BOTH = {"was", "die", "come", "son", "per", "in", "a", "an", "it", "o", "i", "e", "me", "no",
         "sie", "is", "on", "of", "to", "as", "ma", "den", "mit", "al", "da", "au", "un", "so"}
_ACCENTED = re.compile(r"[àâçéèêëîïôûùüÿñæœäöß¿¡]", re.I)


def english_enough(normalised: str) -> bool:
    """False when a message reads as another language (foreign function words, no English)."""
    toks = re.findall(r"[^\W\d_]+(?:'[a-z]+)?", re.sub(r"'text'", " ", normalised))
    from .typos import bank_words

    known = bank_words()
    english = sum(1 for t in toks if t in _ENGLISH or t.split("'")[0] in _ENGLISH
                  or (t in known and t not in _FOREIGN))
    foreign = sum(1 for t in toks if (t in _FOREIGN and t not in _BOTH) or _ACCENTED.search(t))
    if english or _KNOWN.search(normalised):
        return foreign <= english + 1
    return foreign == 0
