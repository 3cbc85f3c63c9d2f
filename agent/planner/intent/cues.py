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

# The planner's own intents (not tools) and their vocabulary; the tools' cue words come from the
# catalogue (tools/examples/<tool>.yaml), so a new tool brings its own.
_STRONG: dict[str, str] = {
    "complement": r"\b(?:the|all the)\s+other\s+(?:[a-z]+s|ones)\b|\beverything else\b",
    "reset": r"\breset\b|\bstart over\b|\bback to (?:all|every\w*|the (?:whole|full|entire))\b"
    r"|\b(?:clear|remove|drop|forget|undo|cancel|lose|scrap|get rid of|turn off)\s+(?:the\s+|this\s+"
    r"|that\s+|my\s+|all\s+|any\s+|current\s+)*(?:filters?|subset|selection)\b"
    r"|\b(?:all|every) (?:the )?\w+ again\b|\beverything again\b",
}
# Words that name what a tool does, for tools found by the part they play in the catalogue
# (catalogue.py) rather than by name: checking an explanation, showing items, attention,
# items like an input, the predictions over the data.
_ROLE_STRONG = {
    "checker": r"\bhold(?:s|ing)? (?:up|water)\b|\bvouch\b|\bsanity[- ]?check\w*|\bmisleading\b"
    r"|\breflects? what\b|\bsame story\b|\bactually matter\b|\bbelieve (?:the|this|that|its) "
    r"(?:explanation|attribution)|\bshaky\b|\bcan i rely\b",
    "lister": r"\b(?:gold|true|real|actual|correct|human|annotated|ground[- ]truth|original)[- ]"
    r"(?:label|class|category|answer|tag|sentiment|outcome|diagnos[ie]s|result|decision)s?\b"
    r"|\bground[- ]truth\b"
    r"|\b(?:record|profile|row|entry|details|(?:feature\s+)?(?<!shap )(?<!lime )(?<!importance )"
    r"(?<!attribution )(?<!contribution )(?<!shapley )values)\s+(?:for|of)\s+(?:[a-z]+\s*)?#?\d"
    r"|\bwhat (?:does|did) (?:the\s+)?(?:[a-z]+\s+)?#?\d+\s+(?:actually\s+|really\s+)?say\b"
    r"|\b(?:actually|really|truly)\s+(?:\w+\s+){0,3}in\s+the\s+(?:data|dataset|labels)\b"
    r"|\b(?:actually|really|originally)\s+(?:labell?ed"
    r"|filed|tagged|marked|annotated|categori[sz]ed)\b|\b(?:pull|bring|open|call) up\b"
    r"|\bwhat text\b|\b(?:full|raw|whole|original) text\b|\bbrowse\b|\bscroll\b"
    r"|\bpage \d+ of\b|\b\d+(?:st|nd|rd|th) page\b|\bwhat(?:'s| is) in (?:the )?[a-z]+\s*#?\d",
    "describer": r"\bhow (?:big|large) (?:is|are) (?:the |this |my )?(?:data|dataset|corpus|training|train"
    r"|test|held[- ]out)|\bdescribe (?:the |this |my )?(?:data|dataset|corpus|training|train|test"
    r"|held[- ]out|splits?)\b|\bsize of the (?:data|dataset|training|test|train|split)"
    r"|\b(?:stats|statistics)\b|\bdescribe (?:the|these|those|them)\b|\bsummar(?:y|i[sz]e) of\b"
    r"|\blook like on average\b",
    "explainer": r"\bhow come\b|\bhighlight\w*\b|\bwhat(?:'s|s| is)? (?:made|makes|making) (?:you|u|it|the model|the classifier)\b|\bwhat"
    r" (?:led|leads|caused|causes|drove|drives) (?:you|it|the model|the classifier)\b|\bresponsible for\b|\bjustif(?:y|ies|ied|ication)\b|\brationale\b",
    "natural:layer": r"\bwhere\b[^?.!]{0,40}\blook(?:s|ed|ing)?\b"
    r"|\b(?:model|it|you|classifier) (?:\w+ )?look(?:s|ed|ing)? at\b|\b(?:did|does|do) (?:it|the model"
    r"|you) (?:focus|concentrate) on\b|\bpa(?:y|ys|id|ying) attention\b",
    "finder": r"\bclos(?:e|er|est) to\b|\bnearest\b|\bmost like\b|\bresembl\w*"
    r"|\b(?:\w+s|ones|anything|something|others?) (?:just |a lot |a bit )?like (?:#|this\b|that\b|it\b"
    r"|«|\w+ #?\d|\d)",
    "flipper": r"\badversarial\b|\bfool(?:s|ed|ing)?\b|\btrick(?:s|ed|ing)? (?:it|the model)\b"
    r"|\bcfes?\b|\bexplain\w*\s+(?:\w+\s+){0,2}counterfactual"
    r"|\bhow\s+(?:could|can|would|might|do|does)\b[^?.!]{0,40}\b(?:get|be|become)\b[^?.!]{0,30}"
    r"\binstead\b"
    r"|\b(?:how (?:could|can|would|do i|might)|what would)\b[^?.!]{0,40}\b(?:turn(?:ed)?|become|come out"
    r"|flip\w*)\b|\bturn\s+(?:it|this|that|[a-z]+\s*#?\s*\d+)\s+(?:into\s+)?(?:an?\s+)?[a-z]"
    r"|\bmake\s+(?:it|this|that|[a-z]+\s*#?\s*\d+)\s+(?:come out|be\b|become)"
    r"|\bby changing\b|\bchanging (?:up to|at most|only)\b",
}
_ROLE_WEAK = {
    "explainer": r"\bwhich (?:\w+ )?(?:words|tokens|parts) (?:matter\w*|count\w*|drove|drive\w*"
    r"|push\w*|made|caused)\b",
    "lister": r"\bdisplay\b|\bprint\b|\bthe text\b",
    "predictor": r"\bwhich (?:category|class|label|bucket|queue|group|team|department|topic)\b"
    r"|\bsoftmax\b|\bprobs?\b|\bcoin[- ]?flip\b|\btorn\b|\bunsure\b|\bhow likely\b|\bends? up\b"
    r"|\bchances?\b|\blikelihood\b|\bodds\b"
    r"|\brates?\b"
    r"|(?<!gold )(?<!true )(?<!real )(?<!actual )(?<!correct )(?<!the )\b(?:category|class|label"
    r"|bucket)\s+(?:for|of)\s+(?:[a-z]+\s*)?#?\d",
}
_ROLE_STRONG_MORE = {
    "drawer": r"\bsample\s+(?:\d+|a|an|some|one|two|three|four|five|a few)"
    r"(?!\s+(?:is|was|has|had|gets?|got|and|or|be|being|would|will|could|should|to|for)\b)"
    r"\s+(?:\w+\s+)?[a-z]+s?\b(?<!\d)",
    "predictor": r"\bhow (?:sure|confident|certain) (?:is|was|are) (?:it|the model|you|the classifier)\b"
    r"|^\W*(?:(?:show|give|get)\s+(?:me\s+)?)?(?:the\s+)?(?:model'?s?\s+|your\s+)?predictions?\s+(?:for|on|of"
    r"|across)\b"
    r"|\bwhat (?:does|did|would|will) (?:the model|it|the classifier|you) (?:\w+ly )?(?:decide|say"
    r"|predict|conclude|output)\b"
    r"|\bwhat (?:label|class|category|sentiment|verdict) (?:does|did|would|will) (?:the model|it|you"
    r"|the classifier) (?:give|assign|predict|put|pick|choose)"
    r"|^\W*(?:and\s+)?(?:what(?:'s| is| was| about)\s+|(?:show|give|tell) me\s+)?(?:its|the model'?s"
    r"|your) (?:prediction|verdict|call|output)\b",
    "selector": r"\bfrom now on\b|\bfor now\b|\b(?:just|only) (?:use|look at|consider|keep|work with)\b"
    r"|\bfocus on (?:the )?(?:[a-z]+s|ids?)\b|\brestrict\w*\b|\bstick to\b|\bnarrow (?:it |this )?down\b",
    "scorer": r"\bhow (?:does|did|do|is) (?:it|the model|the classifier|you|my model) (?:do|doing|fare"
    r"|faring|perform|performing)\b|\bconfusion\b|\bhow (?:well |good )?(?:it|the model|the classifier"
    r"|you|my model) (?:does|did|do|performs|fares)\b",
    "lister": r"^\W*(?:show|display|print|open)(?: me)?\s+(?:[a-z]+\s*)?#?\d+\W*$",
}
_WEAK = {
    "define": r"^(?:what is|what's|what are|define|definition of|explain what|how does \w+ work)\b"
    r"|\bwhat does \w+(?: \w+)? mean\b|\bdifference between\b",
    "next_page": r"^(?:next|more|next page|show more|continue)\b",
    "complement": r"\bthe others\b|\bthe rest\b|\bthe remaining\b|\bones that don'?t\b"
    r"|\b(?:the|all the)\s+other\s+(?:[a-z]+s|ones)\b|\beverything else\b",
    "reset": r"\breset\b|\bclear (?:the )?(?:filters?|subset|selection)\b|\bstart over\b"
    r"|\bback to all\b|\bremove the filter\b",
}


def _tool_cues(strength: str) -> dict[str, str]:
    from saywhy.tools import registry

    found = {}
    for t in registry.all_tools():
        patterns = t.text.strong if strength == "strong" else t.text.weak
        if patterns:
            found[t.name] = "|".join(patterns)
    return found


def _roles(table: dict[str, str]) -> dict[str, str]:
    from ..catalogue import catalogue

    cat = catalogue()
    out: dict[str, str] = {}
    for role, rx in table.items():
        try:
            out[cat.role(role)] = rx
        except (LookupError, AttributeError):
            continue  # no tool plays that part in this catalogue
    return out


def _join(*tables: dict[str, str]) -> dict[str, re.Pattern[str]]:
    merged: dict[str, list[str]] = {}
    for table in tables:
        for intent, rx in table.items():
            merged.setdefault(intent, []).append(f"(?:{rx})")
    return {intent: re.compile("|".join(rxs), re.I) for intent, rxs in merged.items()}


STRONG = _join(_tool_cues("strong"), _STRONG, _roles(_ROLE_STRONG), _roles(_ROLE_STRONG_MORE))
CUES = _join(_tool_cues("weak"), _WEAK, _roles(_ROLE_WEAK))


def boost(probs: dict[str, float], text: str) -> dict[str, float]:
    """Probabilities with the cue intents of `text` raised, renormalised."""
    out = dict(probs)
    for table, amount in ((STRONG, STRONG_BOOST), (CUES, BOOST)):
        for intent, rx in table.items():
            if intent in out and rx.search(text):
                out[intent] += amount
    total = sum(out.values()) or 1.0
    return {k: v / total for k, v in out.items()}
