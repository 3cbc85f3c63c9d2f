"""Keyword cues: domain words that shift the classifier's intent distribution.

The embedding classifier knows how questions are shaped; these cues know the vocabulary of the
tools ("logit lens", "counterfactual", "accuracy", "keywords" ...), which a small bank cannot
teach for every phrasing. Each matching cue adds `STRONG_BOOST` (tool vocabulary such as
"logit lens") or `BOOST` (words that merely lean one way) to its intent before renormalising.
"""

from __future__ import annotations

import re

BOOST = 0.2
STRONG_BOOST = 1.0
TYPOS = {
    "wy": "why",
    "wat": "what",
    "wht": "what",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "modle": "model",
    "moddel": "model",
    "teh": "the",
    "thx": "thanks",
    "prediciton": "prediction",
    "predicton": "prediction",
    "expalin": "explain",
    "explian": "explain",
    "reveiw": "review",
    "reviw": "review",
    "accuarcy": "accuracy",
    "acuracy": "accuracy",
    "simmilar": "similar",
    "similiar": "similar",
    "attenion": "attention",
    "shw": "show",
    "r": "are",
    "y": "why",
    "dont": "don't",
    "doesnt": "doesn't",
    "whats": "what's",
}

# Unambiguous tool vocabulary: a strong pull.
_STRONG = {
    "attribute": r"\battribut\w*|\bsaliency\b|\bheat ?map\b|\bhighlight\w*|\bbreak down\b"
    r"|\bkey words\b"
    r"|\b(?:kernel |partition )?shap(?:ley)?\b|\blime\b|\bintegrated[ -]gradients?\b"
    r"|\big\b"
    r"|\bocclusion\b|\bleave[ -]one[ -]out\b|\bgradients? ?(?:x|times|\*) ?input\b"
    r"|\bgxi\b"
    r"|\bwhy\b|\bexplain\b|\bjustify\b|\b(?:use|run|apply) it\b",
    "attention": r"\battn\b|\battention\b|\battend\w*|\bwhere is the model looking\b|\brollout\b",
    "layer_predictions": r"\blogit[\s-]?lens\b|\beach layer\b|\bper[\s-]layer\b"
    r"|\blayer[\s-]by[\s-]layer\b"
    r"|\b(?:through|across) (?:the )?layers\b|\bintermediate\b|\bwhich layer\b"
    r"|\bat what layer\b|\blayers' predictions\b|\binside the (?:network"
    r"|model)\b",
    "counterfactual": r"\bcounterfactual\w*|\bcf\b|\bflip\w*|\bwhat would (?:it take|make|turn"
    r"|need|fix)"
    r"|\bchange your mind\b|\bdifferently\b|\bfix it\b"
    r"|\b(?:minimal|smallest|fewest) (?:change|edit)s?\b",
    "similar": r"\bsimilar\b|\bneighbou?rs?\b|\blook-?alikes?\b|\bresembl\w*",
    "faithfulness": r"\bfaithful\w*|\btrust\w*|\breliab\w*|\beraser\b|\bcomprehensiveness\b"
    r"|\bsufficiency\b"
    r"|\bbetter than random\b|\bsanity\b|\bagree\w*|\bcompare\w*|\bvalidat\w*",
    "show": r"\btext of\b|\bwhat does (?:review|item|example|#|\d)[^?]* say\b|\bread me\b"
    r"|\bwhat'?s (?:review|item|example) \d+ about\b",
    "filter": r"\bfilter\w*|\bkeep only\b|\bonly keep\b|\brestrict\w*|\bnarrow\w*|\bexclud\w*"
    r"|\bsubset\b|\bamong (?:those|these|them)\b",
    "performance": r"\baccura\w*|\bperform\w*|\bf1\b|\bprecision\b|\brecall\b|\bconfusion matrix\b"
    r"|\berror rate\b|\bhow do (?:you|u) do\b|\bevaluat\w*"
    r"|\bhow (?:good|well) (?:is|does) (?:the|this|your) (?:model|classifier)\b",
    "mistakes": r"\bmistakes?\b|\berrors?\b|\bmisclassif\w*|\bgo wrong\b|\btrip\w* (?:\w+ )?up\b"
    r"|\bfalse (?:positives?|negatives?)\b",
    "global_importance": r"\boverall\b|\bin general\b|\bglobal\w*|\bfeature importance\b"
    r"|\bimportant words\b|\bmost important (?:words|features|tokens)\b",
    "keywords": r"\bkeywords?\b|\bvocabulary\b|\bdistinctive\b",
    "model_info": r"\bwhich model\b|\bwhat model\b|\barchitecture\b|\bparameters\b|\blayers does\b"
    r"|\btrained on\b|\b(?:input|sequence) length\b|\bwhat labels\b|\bbase model\b"
    r"|\bkind of (?:model|classifier)\b",
    "reset": r"\breset\b|\bclear (?:the |all )?(?:filters?|subset|selection)\b|\bstart over\b"
    r"|\bback to all\b|\bremove (?:the |all )?filters?\b|\bundo the filter\b",
    "capabilities": r"\bwhat can (?:you|i)\b|\bhelp\b|\boptions\b|\bcommands\b"
    r"|\bwhere (?:do )?i start\b"
    r"|\bhow do i use\b|\bwhat (?:kinds?|sorts?) of (?:questions|explanations)\b",
}
# Words that lean towards a tool but also occur elsewhere: a gentle pull.
_WEAK = {
    "predict": r"\bpredict\b|\bclassify\b|\bsentiment\b|\blabel (?:for|of)\b|\bconfiden\w*"
    r"|\bprobabilit\w*|\bpos or neg\b|\bgood or bad\b|\bpositive or negative\b"
    r"|\bcomplete\b"
    r"|\bgenerate\b|\banswer to\b|\bwhat do (?:you|u) think\b|\bscore this\b",
    "attribute": r"\bwhich (?:words?|tokens?|parts?)\b|\bword importances?\b|\bdecision\b"
    r"|\bbehind\b",
    "counterfactual": r"\bmake (?:it|review|item|#|\d)|\bturn .* into\b",
    "what_if": r"\bwhat if\b|\bwhat happens if\b|\breplac\w*|\bswap\w*|\bsubstitut\w*|\binsert\b",
    "similar": r"\bclose to\b|\b(?:reviews|ones|examples) (?:are )?like\b",
    "show": r"\bshow\b|\bdisplay\b|\bprint\b|\bopen\b|\bread\b|\bview\b|\bquote\b|\bsay\?*$"
    r"|\blet me see\b",
    "filter": r"\bkeep\b|\blimit\b|\bfocus on\b|\bhow many\b|\bof (?:those|these)\b|\bonly\b",
    "describe_data": r"\bdata ?set\b|\bthe data\b|\bdistribution\b|\bbalanced?\b"
    r"|\bhow many (?:reviews|items"
    r"|examples) (?:are there|in)\b|\btexts are\b|\baverage (?:\w+ )?length\b",
    "performance": r"\bhow well\b|\bhow good\b|\bhow often\b|\bany good\b",
    "mistakes": r"\bfail\w*|\bwrong\b",
    "global_importance": r"\bacross\b|\brel(?:y|ies) on\b|\blearn\w*",
    "keywords": r"\btypical\b|\bcharacteristic\b|\bfrequent\b|\bcommon words\b|\bappear\w*"
    r"|\bshow up\b"
    r"|\bassociated\b",
    "capabilities": r"\btools\b",
    "define": r"^(?:what is|what's|what are|define|definition of|explain what|how does \w+ work)\b"
    r"|\bwhat does \w+(?: \w+)? mean\b|\bdifference between\b",
    "reset": r"\breset\b|\bclear (?:the )?(?:filters?|subset|selection)\b|\bstart over\b"
    r"|\bback to all\b"
    r"|\bremove the filter\b",
    "next_page": r"^(?:next|more|next page|show more|continue)\b",
    "complement": r"\bthe others\b|\bthe rest\b|\bthe remaining\b|\bones that don'?t\b",
}
STRONG = {intent: re.compile(rx, re.I) for intent, rx in _STRONG.items()}
CUES = {intent: re.compile(rx, re.I) for intent, rx in _WEAK.items()}


def fix_typos(text: str) -> str:
    return re.sub(r"[A-Za-z]+", lambda m: TYPOS.get(m.group(0).lower(), m.group(0)), text)


def boost(probs: dict[str, float], text: str) -> dict[str, float]:
    """Probabilities with the cue intents of `text` raised, renormalised."""
    out = dict(probs)
    for table, amount in ((STRONG, STRONG_BOOST), (CUES, BOOST)):
        for intent, rx in table.items():
            if intent in out and rx.search(text):
                out[intent] += amount
    total = sum(out.values()) or 1.0
    return {k: v / total for k, v in out.items()}
