"""Second thoughts on the classifier's intent when it does not fit the slots a clause has: an id
asked of a dataset tool, conditions on many items asked of an input tool, edits asked of a tool
that takes none, an input for a tool that takes none ... The clause is then read again for the
intent that fits (`reread`), the classifier's ranking breaking ties."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..catalogue import catalogue
from ..read.replies import define_reply
from ..slots.calls import LIKELY
from ..slots.clause import Clause
from ..slots.criteria import SHOW_VERBS, WRONG
from ..slots.feature_names import spelling
from ..slots.methods import COMPARE
from ..slots.rows import EVERYONE

if TYPE_CHECKING:
    from ...state import DialogueState

MIN_CONF = 0.30  # below: ask back (unless the clause names an input)
CLAUSE_CONF = 0.45  # a bare "review 14" below this confidence shows its prediction
_GLOBAL = re.compile(r"\b(?:overall|in general|generally|across|globally|global|the model)\b", re.I)
_PLURAL = re.compile(r"\b(?:reviews|ones|examples|items|texts|tickets|cases|messages|rows"
                     r"|documents|records|entries|instances|sentences|data)\b", re.I)
# the predictions over the data, not of one item: "distribution of predicted categories"
_PREDICTS = re.compile(r"\b(?:predict\w*|classif\w*|come out|comes out|gets? an?|end up)\b"
                       r"|\b(?:it|model|you|u|classifier)\s+(?:\w+\s+)?(?:labels?|calls?|tags?|routes?"
                       r"|puts?|sends?|thinks?|considers?|sees?|says?)\b", re.I)
_ACROSS = re.compile(r"\b(?:all|every|each|whole|entire|distribut\w*|breakdown|proportion|number of"
                     r"|share|fraction|percentage|how many|everything|split of)\b", re.I)
_WORDS_OF = re.compile(r"\b(?:which|what|typical|common|frequent|characteristic|distinctive"
                      r"|important)\s+(?:[a-z]+\s+){0,2}?(?:words|tokens|terms|phrases)\b", re.I)
_WORD_CONDITION = re.compile(r"\b(?:with|containing|contain|contains|mention\w*|using|includ\w*"
                            r"|without)\s+(?:the\s+)?(?:word|phrase|term)s?\b", re.I)
_THERE_IN = re.compile(r"\bhow many\b[^?.!]*\b(?:are|is)\s+(?:there\s+)?in\b|\bhow many\b[^?.!]*\bthere\b",
                       re.I)
_TYPICAL = re.compile(r"\b(?:typical|common|frequent\w*|characteristic|distinctive|usual|a lot|often"
                      r"|most used|recurring|appear\w*|show up|associated)\b", re.I)
_METRIC = re.compile(r"\b(?:accura\w*|precision|recall|f1|f-?score|metrics?|how (?:well|good)"
                     r"|perform\w*|score)\b", re.I)
_PLURAL_OR_ANY = re.compile(r"\b(?:random|any|some|all|every|which|how many|[a-z]+s)\s+(?:[a-z]+\s+)?"
                            r"(?:that\s+|which\s+)?(?:mention|contain|includ|with the)", re.I)
_GRADING = re.compile(r"\b(?:accura\w*|precision|recall|f1|f-?score|metrics?|wrong\w*|right"
                      r"|correct\w*|mistakes?|errors?|misclassif\w*|perform\w*|words?|tokens?"
                      r"|mention\w*|contain\w*|includ\w*|longer|shorter|test|train\w*|random)\b",
                      re.I)


def extra_slots(c: Clause) -> bool:
    """Anything besides an input (a method, label, k, attention setting, condition, edit)."""
    s = c.slots
    return bool(
        s.methods
        or s.labels
        or s.k
        or s.layer is not None
        or s.head is not None
        or s.rollout
        or c.criteria
        or c.split
        or c.changes
    )


Reread = Callable[[Clause, str], Clause]  # a clause read again for another intent


_TOGETHER = re.compile(r"\b(?:interact\w*|interplay|together|jointly|joint|pairs?|pairwise|combin\w*|synerg\w*"
                       r"|depend(?:s|ing|ed)?\s+on|dependence|h[- ]statistic|friedman|each other"
                       r"|one another|play off)\b", re.I)
_DESCRIBE = re.compile(r"\b(?:describe|description|summari[sz]\w*|summary|look like|overview|profile"
                       r"|typical)\b", re.I)
_STAT = re.compile(r"\b(?:average|mean|median|max(?:imum)?|min(?:imum)?|highest|lowest|largest"
                   r"|smallest|std|standard deviation|variance|range|distribution|spread|statistics?"
                   r"|stats|percentiles?|quartiles?)\b", re.I)
# a statistic of a feature, not of the model ("highest max heart rate", not "highest probability")
_FEATURE_STAT = re.compile(r"\b(average|mean|median|max(?:imum)?|min(?:imum)?|highest|lowest"
                           r"|largest|smallest)\s+(?!(?:\w+\s+)?(?:probab\w*|likel\w*|chances?"
                           r"|confiden\w*|accura\w*|errors?|scores?|importan\w*|predict\w*|risk"
                           r"|impact|effect|influence|contribut\w*|shap|attribution)\b)\w+", re.I)
_EDIT_ORDER = re.compile(r"\W*(?:(?:and|also|now|ok|okay|then|so|please|pls|just)\W+)*(?:set|make"
                         r"|change|increase|decrease|raise|lower|reduce|double|halve|add|put|bump"
                         r"|drop|cut|give)\b", re.I)
# "which labels can it predict?", "what can the model predict?": the model's labels
_CAN_PREDICT = re.compile(r"\b(?:labels?|class(?:es)?|categor\w+|outcomes?|options)\b|\bcan\s+(?:it"
                          r"|the\s+model|you|the\s+classifier)\s+(?:\w+\s+)?predict", re.I)
_TOP_FEATURES = re.compile(r"\b(?:top|most\s+important|biggest|main|key)\s+(?:\d+\s+|one|two|three"
                           r"|four|five|six|seven|eight|nine|ten)?\s*(?:features?|factors?|variables?"
                           r"|predictors?|columns?|drivers?)\b", re.I)
_CHANCE = re.compile(r"\b(?:likelihood|likely|probab\w*|chances?|odds|risk)\b", re.I)


def _feature_stat(c: Clause) -> bool:
    """A statistic said of a feature ("the highest max heart rate"), not a word of the
    feature's own name ("max heart rate" of MaxHR)."""
    firsts = {spelling(n).split()[0] for n in c.features.mentioned if spelling(n)}
    return any(not any(m.group(1).lower().startswith(f) or f.startswith(m.group(1).lower())
                       for f in firsts if len(f) >= 3)
               for m in _FEATURE_STAT.finditer(c.text))


def _unlabelled(c: Clause) -> str:
    """The clause without the labels it names ("high risk" is a label, not a chance)."""
    text = c.text
    for lm in c.slots.labels:
        if lm.end <= len(text):
            text = text[:lm.start] + " " * (lm.end - lm.start) + text[lm.end:]
    return text


def _on_table_rows(c: Clause, reread: Reread, ranked: list[tuple[str, float]]) -> Clause | None:
    """Second thoughts for a table model's rows: "what labels do people over 60 have?" is about
    those rows, not the model's card; "the chance of diabetes for BMI over 40" is the
    predictions on them, not a gold-label selection; two features only "interact" when asked."""
    cat = catalogue()
    intent = c.intent
    conditions = bool(c.features.conditions)
    if c.features.edits and not cat.takes(intent, "edits") and _EDIT_ORDER.match(c.text):
        return reread(c, cat.natural("edits"))  # "set age to 40", "make the duration 12 months"
    if intent not in cat.names:
        return None
    pairer = next((t for t in cat.order if cat.takes(t, "features") and not cat.takes(t, "edits")
                   and t in cat.names), None)
    if (pairer and intent != pairer and len(c.features.mentioned) >= 2
            and _TOGETHER.search(c.text) and not c.features.edits):
        return reread(c, pairer)  # "for patient 12, how do glucose and BMI interact?"
    if c.features.edits and not cat.takes(intent, "edits") and (
            intent in cat.inputs or intent in cat.subset_tools or c.slots.id is not None):
        return reread(c, cat.natural("edits"))  # "halve the glucose for patient 19"
    if c.count_q and conditions and not c.input and c.slots.id is None and intent in cat.inputs:
        return reread(c, cat.selector)  # "number of instances where skin thickness is above 40"
    if (_TOP_FEATURES.search(c.text) and not c.input and c.slots.id is None
            and not c.features.edits and (c.features.mentioned == [] or c.criteria)):
        top = reread(c, cat.natural("method", "dataset"))  # "top two features?"
        top.settled = True
        return top
    if intent == cat.checker and conditions and not c.input and c.slots.id is None:
        return reread(c, cat.scorer)  # "is it reliable for foreign workers?": its accuracy there
    if (intent in cat.subset_tools and (c.features.conditions or c.features.mentioned
                                        or c.criteria) and not c.slots.id
            and (_DESCRIBE.search(c.text) or re.search(r"\bstat(?:s|istics)\b", c.text, re.I))):
        return reread(c, cat.describer)  # "describe the patients over 50", "stats for the
        # ones it labels low risk"
    if cat.takes(intent, "features") and not cat.takes(intent, "edits") and not _TOGETHER.search(
            c.text):
        return reread(c, next((i for i, _ in ranked[1:] if i in cat.names
                               and not cat.takes(i, "features")), cat.natural("method", "dataset")))
    if c.features.edits and intent in cat.inputs and not cat.takes(intent, "edits"):
        return reread(c, cat.natural("edits"))  # "what if they had 2 more priors?": a what-if
    if (conditions and not c.input and c.slots.id is None and _CHANCE.search(_unlabelled(c))
            and intent != cat.predictor and intent not in cat.graders
            and not re.match(r"\W*(?:why|how come)\b", c.text, re.I)):
        # "the likelihood of diabetes for BMI over 30 if we lower their BMI by 10": a what-if
        return reread(c, cat.natural("edits") if c.features.edits else cat.predictor)
    if (c.slots.labels and not conditions and not c.input and c.slots.id is None
            and c.slots.ids is None and intent in (cat.describer, cat.selector)
            and re.match(r"\W*(?:how\s+likely|what(?:'s|\s+is)\s+the\s+(?:likelihood|chance"
                         r"|probability|odds|risk))\b", c.text, re.I)):
        return reread(c, cat.predictor)  # "how likely is diabetes?": the predictions over all
    if (c.features.mentioned and not c.slots.id and not c.features.edits and (
            intent in cat.subset_tools or (
                intent in cat.inputs | cat.graders | cat.dataset and not c.input
                and _feature_stat(c)))
            and _STAT.search(c.text)):  # "the maximum BMI for people over 50", "highest max
        # heart rate among ...", "mean age and resting BP for ...": statistics
        stats = reread(c, cat.describer)
        stats.settled = True  # (even when it was the classifier's own reading)
        return stats
    on_data = cat.dataset | cat.subset_tools | cat.inputs
    if conditions and intent not in on_data:
        return reread(c, next((i for i, _ in ranked if i in cat.dataset | cat.subset_tools),
                              cat.selector))
    return None


def retarget(
    c: Clause,
    reread: Reread,
    state: DialogueState,
    ranked: list[tuple[str, float]],
) -> Clause:
    """Second thoughts when the top intent does not fit the slots the clause has."""
    cat = catalogue()
    again = _on_table_rows(c, reread, ranked)
    if again is not None:
        c = again
    intent = c.intent
    has_input = bool(c.input)
    if (c.features.edits and not cat.takes(intent, "edits") and intent not in cat.inputs
            and EVERYONE.search(c.text)):
        return reread(c, cat.natural("edits"))  # "how would predictions shift if all were older?"
    if (not has_input and c.slots.id is None and c.slots.ids is None
            and _PREDICTS.search(c.text) and _ACROSS.search(c.text)
            and not _GRADING.search(c.text) and intent != cat.drawer
            and not re.search(r"\b(?:gold|actual\w*|true|truly|really|labell?ed|annotated)\b", c.text, re.I)
            and intent in cat.dataset | cat.subset_tools | {cat.predictor}):
        return reread(c, cat.predictor)  # "how many does it call billing?": predictions over all
    if (intent in cat.dataset and not has_input and state.focus and not c.criteria_like
            and re.fullmatch(r"\W*(?:and\s+)?(?:which|what|the|its)?\s*(?:words?|tokens?)\W*", c.text, re.I)):
        return reread(c, cat.explainer)  # "which words?" about the item in focus
    if intent in cat.mistake_listers and c.criteria.positive.get("correct") is True:
        # "how many did you get right on the test set?": the score, not the mistakes
        return reread(c, cat.scorer if c.count_q and c.split else cat.selector)
    wordy = {cat.keyworder, cat.natural("method", "dataset")}
    if intent in wordy and not _WORDS_OF.search(c.text) and (
        c.count_q or _WORD_CONDITION.search(c.text)
    ):  # "count the billing tickets", "find cases with the word 'invoice'": items, not words
        return reread(c, cat.selector)
    if (c.count_q and c.split and not c.criteria and c.criteria.combine is None
            and not WRONG.search(c.text)
            and intent in cat.graders | cat.subset_tools and _THERE_IN.search(c.text)):
        return reread(c, cat.describer)  # "how many reviews are in the held-out part?"
    if intent == cat.lister and (has_input or c.anaphora) and not c.criteria_like and re.search(
        r"\b(?:words?|tokens?)\b", c.text, re.I
    ):
        return reread(c, cat.explainer)  # "show me the words behind it"
    on_items = cat.subset_tools | cat.graders | wordy
    if intent in on_items and not has_input and c.slots.id is None and _WORDS_OF.search(c.text):
        # "typical words in the tickets you got wrong", "which words drive it on tickets that
        # mention X": words across a subset
        typical = _TYPICAL.search(c.text) is not None
        return reread(c, cat.keyworder if typical else cat.natural("method", "dataset"))
    if (intent in cat.graders - cat.mistake_listers and (c.criteria or c.split)
            and SHOW_VERBS.search(c.text) and not _METRIC.search(c.text)):
        return reread(c, cat.selector)  # "which reviews did you get right?": list them
    on_data = cat.dataset | cat.subset_tools
    if intent in cat.inputs and c.quoted_condition and _PLURAL_OR_ANY.search(c.text):
        # "a random review mentioning 'zombie'": the quote is a condition on the items
        if _WORDS_OF.search(c.text):  # "which words drive it on tickets mentioning 'x'?"
            typical = _TYPICAL.search(c.text) is not None
            return reread(c, cat.keyworder if typical else cat.natural("method", "dataset"))
        return reread(c, next((i for i, _ in ranked if i in on_data), cat.selector))
    if c.answer_quote and not cat.takes(intent, "span") and not cat.takes(intent, "label"):
        return reread(c, cat.explainer)  # "what in '...' made it answer 'Tokyo'?"
    if intent in cat.explainers and re.search(r"\bcounterfactuals?\b|\bcfes?\b", c.text, re.I):
        return reread(c, cat.flipper)  # "explain the counterfactual for patient 5"
    if intent == cat.checker and not c.slots.methods and isinstance(c.slots.ids, list):
        return reread(c, cat.predictor)  # "compare ticket 3 with ticket 4": two items, no method
    if intent in cat.explainers and len(c.slots.methods) > 1 and COMPARE.search(c.text):
        return reread(c, cat.checker)  # "do lime and shap tell the same story?"
    inputs, by_id = cat.inputs, set(cat.takers("id", "input"))
    on_data = cat.dataset | cat.subset_tools
    edits = cat.natural("edits")
    pairs = cat.takes(intent, "features") and not cat.takes(intent, "edits")
    if intent in cat.dataset and cat.takes(intent, "label") and c.slots.id is not None and not pairs:
        return reread(c, cat.explainer)  # "word importances for 2222" is about one item
    if intent in cat.dataset and c.slots.id is not None and not cat.takes(intent, "id"):
        # "review 1500 is misclassified; can you check its gold label?": about one item
        return reread(c, next((i for i, _ in ranked if cat.takes(i, "id")), cat.predictor))
    if (intent in inputs and not has_input and c.criteria_like and _PLURAL.search(c.text)
            and not c.features.conditions  # (a table's rows take the tool itself: rows.py)
            and not (c.table and intent == cat.predictor and LIKELY.search(c.text))):
        return reread(c, next((i for i, _ in ranked if i in on_data), cat.selector))
    if intent == cat.explainer and not has_input and not state.focus and _GLOBAL.search(c.text):
        return reread(c, cat.natural("method", "dataset"))  # the explainer across the data
    if intent in inputs and not cat.takes(intent, "edits") and c.changes and (
        has_input or state.focus
    ):
        return reread(c, edits)
    if (intent in inputs and not has_input and not state.focus and not c.features.edits
            and not c.features.conditions  # a table's rows are an input of sorts
            and not (intent == cat.predictor and (_PREDICTS.search(c.text)
                                                  or (c.table and LIKELY.search(c.text)))
                     and not _CAN_PREDICT.search(c.text))):  # ("what would
        # the model predict?" asks for predictions: of which item, or of a table's rows)
        if define_reply(c.text.lower()):
            return reread(c, "define")  # "explain lime to me", "counterfactual = ?"
        other = next(
            (i for i, p in ranked if i not in inputs and i in cat.names and p >= 0.15), None
        )
        if other:
            return reread(c, other)
    if cat.takes(intent, "edits") and not c.changes:
        plain = inputs - set(cat.takers("edits"))
        return reread(c, next((i for i, _ in ranked[1:] if i in plain), cat.predictor))
    stray_text = intent in on_data and c.input.get("text") is not None
    unsure = c.prob < MIN_CONF or intent in ("out_of_scope", "greeting", "define")
    if has_input and (stray_text or (unsure and intent not in by_id)):
        return reread(c, next((i for i, _ in ranked if i in by_id), cat.predictor))
    return c
