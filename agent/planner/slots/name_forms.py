"""The forms of one feature name and of one category value, as people write them.

Split camelCase and underscores, singular and plural, a phrase said another way ("loan amount"
for credit_amount), a leading verb said otherwise ("own a house" for OwnsHouse), the first or
last words of a long name, initials; for a value, its words in the other order and the people or
the doing ("renters", "felons"). `feature_names.py` keeps a form only when it names one feature.
"""

from __future__ import annotations

import re

from saywhy.tools.tabular.schema import spelling

# words of a feature name too generic to name it alone ("number" of pregnancies, "loan" amount)
_GENERIC = set("""number count num amount total value values level levels rate ratio score index
function type status flag indicator percent percentage pct size length time times days months
years year month day age group class category label id code has is was are with of in at on per
as the a an and or to geq leq gt lt eq greater less than equal other current currently""".split())
# verbs that name a quantity people own or ask for ("applicants earning over 50000", "what if
# they borrowed 2000 less"): keyed by a word of the feature's name
_VERBS = {
    "income": ("earn", "earns", "earned", "earning"),
    "salary": ("earn", "earns", "earned", "earning", "paid"),
    "earnings": ("earn", "earns", "earned", "earning"),
    "wage": ("earn", "earns", "earned", "earning", "paid"),
    "loan": ("borrow", "borrows", "borrowed", "borrowing", "asking for", "asks for",
             "asked for", "ask for", "requesting", "requested", "applying for", "applied for"),
    "weight": ("weigh", "weighs", "weighed", "weighing"),
    "debt": ("owe", "owes", "owed", "owing"),
    "charges": ("pay", "pays", "paid", "paying", "bill", "billed", "spend", "spends", "spent"),
    "charge": ("pay", "pays", "paid", "paying", "bill", "billed", "spend", "spends", "spent"),
    "fee": ("pay", "pays", "paid", "paying"),
    "premium": ("pay", "pays", "paid", "paying"),
    "monthly": ("per month", "a month", "each month", "every month"),
    "tenure": ("been with us", "with us for", "been a customer", "a customer for"),
}
# units a count of time is said in ("less than 6 months"): the one feature whose name has it
_UNITS = ("months", "weeks", "days", "years", "hours", "minutes")
# words of a name that people say otherwise ("loan amount" for credit_amount)
_NAME_WORDS = {"credit amount": ("loan amount", "loan", "amount borrowed"),
               "duration": ("length", "term", "loan length", "loan term", "loan duration"),
               "annual mileage": ("miles a year", "miles per year", "miles"), "vehicle": ("car",),
               "priors": ("prior convictions", "prior offenses"), "jail": ("prison",),
               "monthly income": ("salary", "pay", "wage", "wages", "earnings", "monthly salary",
                                  "monthly pay"),
               "income": ("salary", "wage", "wages", "earnings"),
               "distance from home": ("commute", "commuting distance"),
               "years at company": ("tenure", "years at the company", "years with the company"),
               "age": ("how old", "how old they are", "how old he is", "how old she is"),
               "time in hospital": ("length of stay", "hospital stay", "stay", "stayed",
                                    "days in hospital", "days in the hospital")}
# a name's leading verb, said otherwise ("owns house": "own a house")
_VERB_WORDS = {"owns": ("own", "owns", "owning", "owned"), "rents": ("rent", "rents", "renting",
               "rented"), "has": ("have", "having", "had", "with")}
_PERSONS = {"patient", "person", "customer", "client", "applicant", "driver", "member", "user",
            "employee", "student", "borrower", "defendant", "owner", "holder", "policy", "account"}
_SMALL_WORDS = set("oh ok no so hi it is as at in on or an to do go me my we us up be by he if of"
                   " am id".split())
_IRREGULAR = {"woman": "women", "man": "men", "person": "people", "child": "children"}
# the sexes as people say them, for a categorical value or boolean column of that name
_SEX = {"female": ("female", "females", "woman", "women"), "male": ("male", "males", "man", "men"),
        "woman": ("woman", "women", "female", "females"), "man": ("man", "men", "male", "males"),
        "f": ("female", "females", "woman", "women"), "m": ("male", "males", "man", "men")}


def plural(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(?:s|x|ch|sh)$", word):
        return word + "es"
    return word + "s"


def singular(word: str) -> str:
    for one, many in _IRREGULAR.items():
        if word == many:
            return one
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(?:ss|us|is)$", word):
        return word
    if word.endswith("es") and re.search(r"(?:s|x|ch|sh)es$", word):
        return word[:-2]
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _variants(words: list[str]) -> set[str]:
    """A multi-word name with its last word singular and plural ("prior crimes", "prior crime")."""
    if not words:
        return set()
    last = words[-1]
    return {" ".join([*words[:-1], w]) for w in {last, singular(last), plural(singular(last))}
            if w}


def _said_otherwise(words: list[str]) -> set[str]:
    """The name with a phrase of `_NAME_WORDS` said the other way ("loan amount")."""
    name = " ".join(words)
    return {re.sub(rf"\b{key}\b", other, name) for key, others in _NAME_WORDS.items()
            if re.search(rf"\b{key}\b", name) for other in others}


def _own_forms(name: str) -> set[str]:
    words = spelling(name).split()
    forms = _variants(words)
    for other in _said_otherwise(words):  # "loan amount" for credit_amount
        forms |= _variants(other.split())
    core = [w for w in words if w not in ("has", "is", "num", "number", "of", "count", "total")]
    if core and core != words:  # "number of prior crimes" -> "prior crimes"; "has telephone"
        forms |= _variants(core)
        if words[:2] == ["number", "of"] or words[-1:] == ["count"]:
            forms |= {"number of " + " ".join(core), "# of " + " ".join(core)}
    forms |= _part_forms(words)
    if words[:1] == ["num"] and len(words) > 1:  # "num_medications": "number of medications"
        forms |= _variants(["number", "of", *words[1:]])
    code = re.match(r"([A-Z0-9]{2,})([a-z][a-z ]*)$", str(name))  # "A1Cresult": "A1C result"
    if code and re.search(r"\d", code.group(1)):
        forms |= {code.group(1).lower(), f"{code.group(1).lower()} {code.group(2)}"}
    if len(words) >= 2 and words[0] in _VERB_WORDS:  # OwnsHouse: "own a house", "owning a home"
        rest = " ".join(words[1:])
        forms |= {f"{v}{a}{rest}" for v in _VERB_WORDS[words[0]] for a in (" ", " a ", " their ")}
    if len(words) >= 2:
        initials = "".join(w[0] for w in words if w[0].isalpha())
        if len(initials) >= 2 and initials not in _SMALL_WORDS:  # ("oh" is no OwnsHouse)
            forms.add(initials)
    return {f for f in forms if f}


_EDGE = set("of at or as is the a an and to in on for with by per from geq leq gt lt eq".split())
_COMPARATORS = {"geq", "leq", "gt", "lt", "eq", "ge", "le"}


def _said_forms(value: str) -> set[str]:
    """Other ways people say a category: its words in the other order ("used car" for "car
    used"), and for a one-word value the people or the doing ("rent": renters, renting; "own":
    owners; "felony": felons); a long value by its initials ("HR", "R&D") and with "and" for
    "&"; "travel frequently" as "frequent travellers"; "non travel" as "never travel"."""
    if "&" in value:
        value = value.replace("&", " & ")
        plain = " ".join(value.replace("&", "and").split())
        initials = [w[0] for w in value.split() if w not in ("&", "and", "of", "the")]
        return {plain, *_said_forms(plain), "".join(initials), " & ".join(initials),
                "&".join(initials), " and ".join(initials)} - {value}
    words = value.split()
    out: set[str] = set()
    if len(words) >= 2 and all(w.isalpha() and len(w) >= 4 for w in words) and words[0] not in (
            "non", "not"):
        out.add("".join(w[0] for w in words))  # "hr" of "human resources"
    if len(words) == 2 and words[0] in ("non", "no", "not"):  # "non travel": "never travel"
        doing = _doing(words[1])
        out |= {f"never {words[1]}", f"don't {words[1]}", f"do not {words[1]}",
                f"non {doing}", f"not {doing}", f"no {doing}"}
    if len(words) == 2 and words[1].endswith("ly") and len(words[1]) > 5:  # "travel
        # frequently": "frequent travel", "frequent travellers", "travels frequently"
        adj = words[1][:-2]
        out |= {f"{adj} {words[0]}", f"{adj} {_doer(words[0])}", f"{adj} {_doer(words[0])}s",
                f"{words[0]}s {words[1]}", f"{words[1]} {words[0]}", f"{adj} {_doing(words[0])}",
                f"{_doing(words[0])} {words[1]}"}
    if len(words) == 2:
        return out | {f"{words[1]} {words[0]}", f"{words[1]} {plural(words[0])}",
                      "".join(words), plural("".join(words))}
    if len(words) != 1 or not value.isalpha() or len(value) < 3:
        return out
    stem = value[:-1] if value.endswith(("y", "e")) else value
    done = value + ("d" if value.endswith("e") else "ed")  # "own": "owned"
    return out | {stem + "er", stem + "ers", stem + "ing", done,
                  *({stem, stem + "s"} if value.endswith("y") and len(stem) >= 4 else set())}


# a change coded as a direction, said as the change ("insulin Up": its dose went up)
DIRECTIONS = {"up": ("went up", "gone up", "increased", "raised", "was increased", "was raised"),
               "down": ("went down", "gone down", "decreased", "lowered", "reduced",
                        "was lowered", "was reduced", "was decreased"),
               "steady": ("unchanged", "stayed the same", "stable")}


def _doing(verb: str) -> str:
    """"travel" -> "travelling" (the British doubling people write beside "traveling")."""
    if verb.endswith("e") and not verb.endswith("ee"):
        return verb[:-1] + "ing"
    return verb + ("ling" if verb.endswith("el") else "ing")


def _doer(verb: str) -> str:
    """"travel" -> "traveller"."""
    return verb + ("ler" if verb.endswith("el") else "r" if verb.endswith("e") else "er")


def _part_forms(words: list[str]) -> set[str]:
    """The first or last words of a long name, as people shorten it ("pedigree function" of
    DiabetesPedigreeFunction, "loan rate" of LoanRateAsPercentOfIncome): at least two words,
    not starting or ending with a small word, keeping a negation ("current loan" of
    NoCurrentLoan would read "no current loan" as its opposite) and leaving out the threshold
    a name spells ("balance geq 200")."""
    if any(w in _COMPARATORS for w in words) or len(words) < 3:
        return set()
    negations = [k for k, w in enumerate(words) if w in ("no", "not", "non", "without")]
    out: set[str] = set()
    for i, j in [(0, n) for n in range(2, len(words))] + [(n, len(words))
                                                          for n in range(1, len(words) - 1)]:
        part = words[i:j]
        if (part[0] in _EDGE or part[-1] in _EDGE or not all(i <= k < j for k in negations)
                or all(w in _GENERIC for w in part)):
            continue
        out |= _variants(part)
    return out
