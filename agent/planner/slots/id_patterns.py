"""How a clause names items and how many results it wants: ids, ranges, lists, ordinals, k.

"reviews 3-7", "items between 10 and 20", "3,5,8", "the 5th one", "top 10 words". `ITEM_NOUNS` is
every noun a user may give an item (the data's own noun is added at run time by `SlotReader`);
a malformed id ("review -5", "item 12a") is read as such, to be asked back, never taken for
another item. Kept apart from `reader.py`, which applies these patterns clause by clause.
"""

from __future__ import annotations

import re

# Any noun a user may give an item: the data's own noun is added at run time (SlotReader).
ITEM_NOUNS = (
    "reviews?|items?|ids?|examples?|samples?|entry|entries|rows?|instances?|numbers?|no\\.?"
    "|data ?points?|datapoints?|docs?|documents?|texts?|snippets?|sentences?|tickets?|cases?"
    "|messages?|msgs?|records?|posts?|tweets?|e-?mails?|comments?|quer(?:y|ies)|requests?"
    "|complaints?|articles?|passages?|utterances?|observations?|lines?|reports?|notes?|inputs?"
    "|responses?|questions?|reviews?|issues?|calls?|chats?|conversations?|transcripts?"
    "|patients?|people|persons?|individuals?|customers?|clients?|applicants?"
    "|borrowers?|defendants?|users?|members?|employees?|students?|subjects?|participants?"
    "|respondents?"
)
_ID_NOUNS = ITEM_NOUNS
# a noun after an id that makes it a count ("3 reviews"); "no" only as "no. 5" ("patient 3 no
# longer ...")
_COUNTED = ITEM_NOUNS.replace("|no\\.?", "|no\\.(?=\\s*\\d)")
RANGE = re.compile(
    rf"(?:\b(?:{_ID_NOUNS})\s*|\bfrom\s+)?#?(\d+)\s*(?:-|–|to|through|thru|until)\s*#?(\d+)\b"
    r"(?!\s*(?:words?|tokens?))",
    re.I,
)
BETWEEN_IDS = re.compile(
    rf"\b(?:{_ID_NOUNS})\s+between\s+(\d+)\s+and\s+(\d+)\b(?!\s*(?:words?|tokens?))", re.I
)
LIST = re.compile(r"(?<![\w.])#?(\d+(?:,#?\d+)+)(?![\w.])")
ID = re.compile(
    rf"(?:\b(?:{_ID_NOUNS})\s*(?:#|no\.?|number|id)?\s*|#\s*)(\d+)(?:'s)?\b(?![.,]\d)"
    rf"(?!\s+(?:random\s+|more\s+|other\s+)?(?:{_COUNTED}|ones|words?|tokens?)\b)",
    re.I,
)
ORDINAL = re.compile(rf"\b(\d+)(?:st|nd|rd|th)\s+(?:(?:{_ID_NOUNS})\b|one\b)", re.I)
# "review -5", "item 12a", "#3.5": an id no item has (a question back, never another item)
BAD_ID = re.compile(
    rf"(?:\b(?:{_ID_NOUNS})\s*#?\s*|#\s*)(-\s*\d+|\d+[.,]\d+|\d+(?!st\b|nd\b|rd\b|th\b|s\b)"
    r"[a-z_]\w*)",
    re.I,
)
K_PATTERNS = [
    r"\btop[\s-]*(\d+)\b",
    # "5 reviews", "3 random tickets"; not "1203 in a sentence", "1102 a billing ticket"
    rf"\b(\d+)\s+(?:(?!(?:a|an|in|as|into|to)\b)\w+\s+){{0,2}}?(?:words?|tokens?|features?"
    rf"|columns?|variables?|factors?|predictors?|attributes?|things|reasons|drivers"
    rf"|mistakes?|errors?|keywords?"
    rf"|terms?|neighbou?rs?|lookalikes?|ones|results?|{ITEM_NOUNS})\b",
    r"\b(?:first|only|just|give me|at most|up to|max(?:imum)?|limit(?: to)?|say|make it)\s+(\d{1,2})\b",
    r"\b(\d{1,2})\s+(?:instead|only|of them|of those|of these|please|pls)\b",
    r"\b(\d{1,2})\s+random\b",  # "3 random renters" (the group's name read already)
]
