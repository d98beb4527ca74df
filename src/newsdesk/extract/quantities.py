"""Numbers with their modifiers and what they count.

"more than 70" → min 71; "at least 5" → min 5; "up to 12" → max 12; "about a
hundred" → 100, approximate; "dozens" → min 12 and "hundreds" → min 100 (the
conservative reading ACLED codes); "between 5 and 7", "5-7", "one or two" →
a range. ``kind`` comes from the dependency parse, never from the number
alone: the verb or adjective governing the number or its noun (killed, died,
wounded, missing, displaced, evacuated, detained...; vocabulary.toml), a casualty noun ("3 fatalities"), or a
participle right after it ("three dead and four wounded"). A person named
with "a"/"an" as the subject or object of a casualty verb ("a civilian ... has
died", "a man was shot dead"), or a named person in that place ("Ana Ruiz was
killed"), counts as 1; a name both shot and dead in one article counts as
killed only.

Not quantities (skipped, never emitted): ages ("15-year-old", "aged 15",
"Smith, 23,"), clock times, years, dates, durations ("three years"), money,
percentages, ordinals and phone numbers: none of them counts anything an
event record needs, and emitting them as ``other`` would only add noise for
the steps that read casualty figures.
"""

from __future__ import annotations

import re
from typing import Optional

from .. import profiles, vocabulary
from ..model import TITLE, Article, Quantity, Span
from ..profiles import Profile
from ..pipeline import step
from . import dates
from .numbers import UNITS

TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Plural round numbers mean "at least one of these": "dozens" is 12 or more (ACLED's reading).
VAGUE = {
    "dozens": 12,
    "scores": 20,
    "hundreds": 100,
    "thousands": 1_000,
    "millions": 1_000_000,
    "tens of thousands": 10_000,
    "hundreds of thousands": 100_000,
}
FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}

_WORD = "|".join(sorted([*UNITS, *TENS, "a", "an", "dozen", "couple", *SCALES], key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\d*[½¼¾⅓⅔]"
_SIMPLE = (
    rf"(?:(?:{_DIGITS})(?:\s+(?:hundred|thousand|million|billion))?"
    rf"|(?:{_WORD})(?:[\s-]+(?:and\s+)?(?:{_WORD}))*)"
)
_VAGUE = r"(?:tens|hundreds)\s+of\s+thousands|dozens|scores|hundreds|thousands|millions"
_MODIFIERS = {
    "more than": "above",
    "over": "above",
    "upwards of": "above",
    "in excess of": "above",
    "at least": "min",
    "no fewer than": "min",
    "no less than": "min",
    "a minimum of": "min",
    "up to": "max",
    "as many as": "max",
    "at most": "max",
    "no more than": "max",
    "a maximum of": "max",
    "fewer than": "below",
    "less than": "below",
    "under": "below",
    "about": "approx",
    "around": "approx",
    "nearly": "approx",
    "almost": "approx",
    "some": "approx",
    "approximately": "approx",
    "roughly": "approx",
    "an estimated": "approx",
    "close to": "approx",
    "estimated": "approx",
    "almost exactly": "exact",
    "exactly": "exact",
}
_MODIFIER = "|".join(sorted((m.replace(" ", r"\s+") for m in _MODIFIERS), key=len, reverse=True))
EXPRESSION = re.compile(
    rf"(?<![\w$€£.,-])(?:(?P<modifier>{_MODIFIER})\s+)?"
    rf"(?:between\s+(?P<low>{_SIMPLE})\s+and\s+(?P<high>{_SIMPLE})"
    rf"|(?P<first>{_SIMPLE})(?:\s*(?:-|–|to|or)\s*(?P<second>{_SIMPLE}))?"
    rf"|(?P<vague>{_VAGUE}))(?![\w%]|-\w)",
    re.I,
)  # not part of a code: "1-866-TIPS"

# What makes a count a casualty figure (lemma → kind) and which verbs' subjects are agents, as data
# (vocabulary.toml [casualties]); a profile adds its own (US local news: "two were shot" are two injured).
LEMMA_KIND = vocabulary.casualty_lemmas()
TRANSITIVE = frozenset(vocabulary.load()["casualties"]["transitive"])
# Verbs that link a count to a state: "ten people remain missing", "thousands were left homeless".
LINKING = {"be", "remain", "stay", "go", "leave", "become", "report", "list", "declare"}
DISTANCE_UNITS = {
    "kilometer": "km",
    "kilometre": "km",
    "km": "km",
    "mile": "mi",
    "mi": "mi",
    "meter": "m",
    "metre": "m",
    "m": "m",
    "foot": "ft",
    "feet": "ft",
    "ft": "ft",
    "yard": "yd",
}
TIME_NOUNS = {
    "second",
    "minute",
    "hour",
    "day",
    "night",
    "week",
    "month",
    "year",
    "decade",
    "century",
    "time",
    "times",
    "round",
    "shot",
    "today",
    "tonight",
    "yesterday",
    "tomorrow",
}
PERSON_NOUNS = {
    "people",
    "person",
    "persons",
    "man",
    "men",
    "woman",
    "women",
    "child",
    "children",
    "kid",
    "boy",
    "girl",
    "teen",
    "teenager",
    "toddler",
    "infant",
    "baby",
    "adult",
    "civilian",
    "soldier",
    "troop",
    "officer",
    "policeman",
    "policemen",
    "member",
    "resident",
    "victim",
    "student",
    "worker",
    "militant",
    "fighter",
    "protester",
    "demonstrator",
    "journalist",
    "passenger",
    "citizen",
    "pedestrian",
    "bystander",
    "suspect",
    "individual",
    "relative",
    "employee",
    "customer",
    "neighbor",
    "neighbour",
    "friend",
    "gunman",
    "shooter",
    "other",
    "migrant",
    "refugee",
    "prisoner",
    "hostage",
    "patient",
    "guard",
    "teacher",
    "player",
    "fan",
    "driver",
    "miner",
    "villager",
    "rebel",
    "insurgent",
    "partisan",
    "volunteer",
    "militiaman",
    "serviceman",
    "servicemen",
    "personnel",
    "staff",
    "sibling",
    "brother",
    "sister",
    "son",
    "daughter",
    "mother",
    "father",
    "husband",
    "wife",
    "he",
    "she",
    "they",
    "them",
    "those",
    "whom",
    "who",
    "attacker",
    "assailant",
    "deputy",
    "trooper",
    "agent",
    "inmate",
    "worshipper",
    "worshiper",
    "tourist",
    "pilot",
    "crew",
    "sailor",
    "marine",
    "nationalist",
    "terrorist",
    "separatist",
    "extremist",
    "activist",
    "guerrilla",
    "mercenary",
    "commander",
}
_PERSON_SUFFIXES = ("ist", "ian", "ier", "ee")  # nationalist, civilian, soldier, detainee
_NOT_COUNTS_BEFORE = re.compile(
    r"(?:[$€£¥₴₽#]\s*|\b(?:aged?|ages|no\.|number|route|page|article|chapter|section)\s+)$", re.I
)
_NOT_COUNTS_AFTER = re.compile(
    r"^(?:\s*-?\s*(?:years?|yrs?|months?|weeks?|days?)[\s-]+old\b|\s*-\s*year\b"
    r"|\s*(?:%|percent|per\s+cent|a\.?m\b|p\.?m\b|o'clock|:\d\d)"
    r"|\s*(?:st|nd|rd|th)\b|\s*(?:dollars?|euros?|pounds|cents|rubles|roubles|"
    r"hryvnias?|yuan|yen|rupees|bucks)\b|\s*-\s*\d{4}\b)",
    re.I,
)
_PHONE = re.compile(r"\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}|\b\d{3}-\d{4}\b")
_SKIPPED_ENTITIES = ("MONEY", "PERCENT", "ORDINAL", "TIME")


def number_value(text: str) -> Optional[float]:
    """The value of a number written in digits or words: "1,000,000", "2.5 million", "½", "twenty-five",
    "a hundred", "a dozen". None when ``text`` is not a number."""
    words = re.sub(r"[\s-]+(?:and\s+)?", " ", text.strip().lower()).split()
    if not words:
        return None
    head = words[0]
    if re.fullmatch(r"\d*[½¼¾⅓⅔]", head) and len(words) == 1:
        return (int(head[:-1]) if head[:-1] else 0) + FRACTIONS[head[-1]]
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", head):
        value = float(head.replace(",", ""))
        for word in words[1:]:
            if word not in SCALES:
                return None
            value *= SCALES[word]
        return value
    total, current, seen = 0.0, 0.0, False
    for word in words:
        if word in ("a", "an") and not seen:
            current, seen = 1, True
        elif word in UNITS or word in TENS:
            current += UNITS.get(word) or TENS[word]
            seen = True
        elif word == "dozen":
            current = (current or 1) * 12
            seen = True
        elif word == "couple" and current == 1:
            current, seen = 2, True
        elif word in SCALES:
            current = (current or 1) * SCALES[word]
            if SCALES[word] > 100:
                total, current = total + current, 0
            seen = True
        else:
            return None
    return total + current if seen and (total + current) > 0 else None


def bounds(match: re.Match) -> Optional[tuple[Optional[float], Optional[float], bool]]:
    """(min, max, approximate) of an EXPRESSION match, None when a part is not a number."""
    groups = match.groupdict()
    if groups["vague"]:
        low = VAGUE[re.sub(r"\s+", " ", groups["vague"].lower())]
        return _modified(groups["modifier"], low, None, True)
    if groups["low"]:
        low, high = number_value(groups["low"]), number_value(groups["high"])
    else:
        low = number_value(groups["first"])
        high = number_value(groups["second"]) if groups["second"] else low
    if low is None or high is None or high < low:
        return None
    return _modified(groups["modifier"], low, high, False)


def _modified(modifier: Optional[str], low: float, high: Optional[float], approximate: bool):
    how = _MODIFIERS.get(re.sub(r"\s+", " ", modifier.lower())) if modifier else None
    whole = float(low).is_integer()
    if how == "above":
        return (low + 1 if whole else low), None, approximate
    if how == "min":
        return low, None, approximate
    if how == "max":
        return None, high, approximate
    if how == "below":
        return None, (low - 1 if whole else low), approximate
    return low, high, approximate or how == "approx"


def _number(value: Optional[float]) -> Optional[float]:
    return None if value is None else (int(value) if float(value).is_integer() else value)


def kind_of(node, lemmas: dict[str, str] = LEMMA_KIND) -> str:
    """killed / injured / missing / displaced / evacuated / detained from the words governing ``node`` (the counted noun or the
    number itself), or "other"; ``lemmas``: casualty lemma → kind (:func:`casualty_lemmas`)."""
    if node.lemma_.lower() in LEMMA_KIND and node.pos_ == "NOUN":
        return LEMMA_KIND[node.lemma_.lower()]
    if node.pos_ == "ADJ" and node.lemma_.lower() in LEMMA_KIND:  # "12 dead"
        return LEMMA_KIND[node.lemma_.lower()]
    following = node.doc[node.i + 1] if node.i + 1 < len(node.doc) else None
    if (
        following is not None
        and following.lower_ in ("dead", "killed", "wounded", "injured", "hurt")
        and (node.tag_ == "CD" or following.dep_ not in ("ROOT", "ccomp", "advcl", "relcl", "xcomp", "conj"))
    ):
        return LEMMA_KIND[following.lower_]  # "three dead and four wounded"
    for child in node.children:
        if child.dep_ == "compound" and child.lemma_.lower() in ("death", "casualty"):
            return "killed"  # "death toll"
        if child.dep_ == "relcl" and any(c.dep_ == "nsubjpass" and c.tag_ in ("WP", "WDT") for c in child.children):
            kind = _verb_kind(child, lemmas)  # "a deputy who was shot and injured"
            if kind != "other":
                return kind
    governor = node
    for _ in range(5):
        if governor.dep_ in ("pobj",):
            prep = governor.head
            if prep.lower_ not in ("of", "including", "among", "to", "at"):
                return "other"
            governor = prep.head
            if governor.pos_ == "NOUN" and governor.lemma_.lower() in ("toll", "death", "fatality", "casualty"):
                return "killed"
            continue
        if (
            governor.dep_ in ("nummod", "quantmod", "conj", "appos", "compound", "amod")
            and governor.head.i != governor.i
        ):
            governor = governor.head
            if governor.pos_ in ("VERB", "AUX", "ADJ"):
                break
            continue
        if governor.dep_ == "nsubj" and governor.head.lemma_.lower() in TRANSITIVE:
            return "other"  # the agent of "killed", "arrested": "two gunmen killed ..."
        if (
            governor.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "oprd", "npadvmod", "advcl", "ccomp")
            and governor.head.i != governor.i
        ):
            governor = governor.head
        break
    # spaCy makes a new Token object per access: tokens are compared by position.
    while governor.pos_ == "ADP" and governor.head.i != governor.i:  # "up to 12 were hurt"
        governor = governor.head
    if governor.i == node.i:
        return "other"
    if governor.lemma_.lower() in ("stand", "rise", "climb", "reach", "be") and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in ("toll", "death") for c in governor.children
    ):
        return "killed"
    return _verb_kind(governor, lemmas)


def _verb_kind(verb, lemmas: dict[str, str] = LEMMA_KIND) -> str:
    lemma = verb.lemma_.lower()
    if lemma in LINKING and lemma != "leave":  # "ten people remain missing", "were reported missing"
        for c in verb.children:
            kind = lemmas.get(c.lower_) or lemmas.get(c.lemma_.lower())  # "missing" is lemmatised "miss"
            if c.dep_ in ("acomp", "oprd", "xcomp", "attr") and c.pos_ in ("ADJ", "VERB") and kind:  # not "is jail"
                return kind
    if lemma == "shoot" or lemma == "leave":
        related = [c for c in verb.children if c.dep_ in ("oprd", "acomp", "conj", "advmod", "xcomp")]
        for c in related:
            if c.lemma_.lower() in ("dead", "kill", "fatally", "die", "killed"):
                return "killed"
            if c.lemma_.lower() in LEMMA_KIND:
                return LEMMA_KIND[c.lemma_.lower()]
            if c.lower_ in LEMMA_KIND:  # "left two missing": the adjective is lemmatised as the verb "miss"
                return LEMMA_KIND[c.lower_]
    return lemmas.get(lemma, "other")  # "were shot": the profile's word (hurt in US local news), else no casualty


def casualty_lemmas(profile: Profile | None = None) -> dict[str, str]:
    """Casualty lemma → kind: the vocabulary's, with ``profile``'s injury words (none in world news)."""
    extra = profile.injury_lemmas if profile is not None else frozenset()
    return {**LEMMA_KIND, **dict.fromkeys(extra, "injured")} if extra else LEMMA_KIND


def unit_of(noun) -> Optional[str]:
    """ "people" for persons, "km"/"mi"/... for distances, else the counted noun's lemma."""
    if noun is None:
        return None
    lemma = noun.lemma_.lower()
    if noun.lower_ in DISTANCE_UNITS or lemma in DISTANCE_UNITS:
        return DISTANCE_UNITS.get(noun.lower_) or DISTANCE_UNITS[lemma]
    if (
        lemma in PERSON_NOUNS
        or noun.lower_ in PERSON_NOUNS
        or lemma in LEMMA_KIND
        or noun.ent_type_ == "NORP"
        or (noun.tag_ == "NNS" and lemma.endswith(_PERSON_SUFFIXES))
    ):
        return "people"
    return lemma


def counted_noun(token):
    """The noun a number token counts: its head ("70 nationalists"), the object of its "of"
    ("dozens of members", "two of the victims"), or the noun right after it."""
    if token.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod") and token.head.pos_ in (
        "NOUN",
        "PROPN",
        "PRON",
    ):
        return token.head
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def _tokens(doc, start: int, end: int):
    span = doc.char_span(start, end, alignment_mode="expand")
    return span if span is not None and len(span) else None


def in_text(text: str, *, paragraph: int = 0, doc=None, profile: Profile | None = None) -> list[Quantity]:
    """The quantities of one text; ``doc`` (its spaCy parse) gives kinds and units, in the words of ``profile``
    (the world's when None)."""
    lemmas = casualty_lemmas(profile)
    taken = [(f.start, f.end) for f in dates.found_in(text)]
    if doc is not None:
        taken += [(e.start_char, e.end_char) for e in doc.ents if e.label_ in _SKIPPED_ENTITIES]
    taken += [(m.start(), m.end()) for m in _PHONE.finditer(text)]
    found = []
    for match in EXPRESSION.finditer(text):
        start, end = match.start(), match.end()
        if any(s < end and start < e for s, e in taken):
            continue
        if _NOT_COUNTS_BEFORE.search(text[max(0, start - 12) : start]):
            continue
        if _NOT_COUNTS_AFTER.match(text[end : end + 16]):
            continue
        if re.fullmatch(r"(?:1[89]|20)\d\d", match.group(0)) and _is_year(doc, start, end):
            continue
        if match.group("first") and match.group("first").lower() in ("a", "an") and not match.group("second"):
            continue
        values = bounds(match)
        if values is None:
            continue
        quantity = _described(match, values, text, paragraph, doc, lemmas)
        if quantity is not None:
            found.append(quantity)
    if doc is not None:
        found += _singular_casualties(doc, paragraph, [(q.span.start, q.span.end) for q in found], lemmas)
    return sorted(found, key=lambda q: q.span.start)


def _is_year(doc, start: int, end: int) -> bool:
    """A number that looks like a year is one unless it counts a plural noun ("2000 people")."""
    tokens = _tokens(doc, start, end) if doc is not None else None
    if tokens is None or any(e.label_ == "DATE" and e.start_char <= start and end <= e.end_char for e in doc.ents):
        return True
    number = tokens[-1]
    return not (number.dep_ == "nummod" and number.head.tag_ == "NNS")


def _is_address(number, noun) -> bool:
    """ "the 2600 block of ...", "1415 5th Avenue": a street number, not a count."""
    if noun is not None and noun.lemma_.lower() == "block":
        return True
    following = number.doc[number.i + 1] if number.i + 1 < len(number.doc) else None
    if following is not None and following.lower_ in ("block", "-block"):
        return True
    return (
        len(number.text) >= 3
        and number.text.isdigit()
        and following is not None
        and following.tag_ == "NNP"
        and following.ent_type_ != "NORP"
        or (following is not None and re.fullmatch(r"\d+(?:st|nd|rd|th)", following.lower_) is not None)
    )


def _described(match: re.Match, values, text: str, paragraph: int, doc, lemmas: dict[str, str]) -> Optional[Quantity]:
    low, high, approximate = values
    start, end = match.start(), match.end()
    kind, unit = "other", None
    if doc is not None:
        tokens = _tokens(doc, start, end)
        if tokens is None:
            return None
        number = tokens[-1]
        noun = counted_noun(number)
        if (
            noun is None
            and number.i + 1 < len(doc)
            and doc[number.i + 1].pos_ == "NOUN"
            and doc[number.i + 1].lemma_.lower() in DISTANCE_UNITS
        ):
            noun = doc[number.i + 1]
        if _is_address(number, noun):
            return None
        if noun is not None and noun.lemma_.lower() in TIME_NOUNS:
            return None  # a duration, not a count
        if number.dep_ == "appos" and (number.head.pos_ == "PROPN" or unit_of(number.head) == "people"):
            return None  # an age: "John Smith, 23, ..."
        if (
            noun is None
            and match.group("first")
            and match.group("first").lower() == "one"
            and not match.group("second")
            and number.dep_ not in ("nsubj", "nsubjpass", "dobj")
        ):
            return None  # "one" as a pronoun or article ("one day", "no one")
        unit = unit_of(noun)
        if unit in DISTANCE_UNITS.values():
            kind = "distance"
            if noun.i == number.i + 1:  # the span says what is measured: "42 kilometers"
                end = noun.idx + len(noun.text)
        else:
            kind = kind_of(noun if noun is not None and noun.i > number.i else number, lemmas)
            if (
                noun is not None
                and noun.dep_ == "pobj"
                and noun.head.lower_ == "of"
                and noun.head.head.i != number.i
                and noun.head.head.tag_ == "CD"
            ):
                kind = "other"  # "one of the two kids was dead": the part is the casualty, not the whole
            if kind == "other" and noun is not None and noun.i > number.i:
                kind = kind_of(number, lemmas) if number.dep_ not in ("nummod", "quantmod") else "other"
            if kind != "other" and unit is None:
                unit = "people"
            if (
                kind != "other"
                and unit not in ("people", None)
                and noun is not None
                and noun.lemma_.lower() not in lemmas
            ):
                kind = "other"  # "two houses were destroyed", "3 cars hit": not casualties
    else:
        after = text[end : end + 14].lower()
        unit_word = re.match(r"\s*([a-z]+)", after)
        if unit_word and unit_word.group(1) in DISTANCE_UNITS:
            kind, unit = "distance", DISTANCE_UNITS[unit_word.group(1)]
    return Quantity(Span(paragraph, start, end), text[start:end], _number(low), _number(high), kind, unit, approximate)


def _singular_casualties(doc, paragraph: int, taken: list[tuple[int, int]], lemmas: dict[str, str]) -> list[Quantity]:
    """ "a civilian ... has died", "a man was shot dead": one person, when a casualty verb says so."""
    found = []
    for token in doc:
        if token.tag_ != "NN" or token.dep_ not in ("nsubj", "nsubjpass", "dobj", "conj", "appos"):
            continue
        owners = [c for c in token.children if c.dep_ == "poss"]  # "a county's deputy"
        determiners = [c for t in [token, *owners] for c in t.children if c.dep_ == "det" and c.lower_ in ("a", "an")]
        if not determiners or any(c.dep_ == "nummod" for c in token.children):
            continue
        kind = kind_of(token, lemmas)
        # Anything shot or killed is taken for a person; "a school was evacuated" is not one evacuee.
        if kind in ("other", "distance") or (kind not in ("killed", "injured") and unit_of(token) != "people"):
            continue
        if token.lemma_.lower() in lemmas or token.lemma_.lower() in TIME_NOUNS:
            continue  # "an arrest", "a gunshot wound": the event, not a person
        start, end = determiners[0].idx, token.idx + len(token.text)
        if any(s < end and start < e for s, e in taken):
            continue
        found.append(Quantity(Span(paragraph, start, end), doc.text[start:end], 1, 1, kind, "people"))
    for ent in doc.ents:  # a named victim: "Ana Ruiz was shot and killed"
        if ent.label_ != "PERSON" or ent.root.dep_ not in ("nsubj", "nsubjpass", "dobj"):
            continue
        kind = kind_of(ent.root, lemmas)
        if kind not in ("killed", "injured") or any(s < ent.end_char and ent.start_char < e for s, e in taken):
            continue
        found.append(Quantity(Span(paragraph, ent.start_char, ent.end_char), ent.text, 1, 1, kind, "people"))
    return found


def mentions(article: Article, profile: Profile | None = None) -> list[Quantity]:
    """Quantities of the title, then the body and heading paragraphs, in the words of ``profile``, else of the one
    the places step read the article with (the world's when it did not run)."""
    profile = profile or profiles.get(article.metadata.get("places_profile", "world"))
    items = [(TITLE, article.title)] if article.title else []
    items += [(p.index, p.text) for p in article.content_paragraphs()]
    found: list[Quantity] = []
    for index, text in items:
        found += in_text(text, paragraph=index, doc=article.docs.get(index), profile=profile)
    # A victim shot in one sentence and dead in another is one killed, not also one injured.
    dead = {_surname(q.text) for q in found if q.kind == "killed" and _surname(q.text)}
    return [q for q in found if not (q.kind == "injured" and _surname(q.text) in dead)]


def _surname(text: str) -> Optional[str]:
    """The last word of a personal name ("Ana Ruiz" → "Ruiz"); None for "a man", "two"."""
    words = text.split()
    if not words or not all(w[:1].isupper() for w in words) or number_value(words[0]) is not None:
        return None
    return words[-1]


@step("quantities", requires=("docs",), assigns=("quantities",), language_specific=True)
def make_quantities(config, desk):
    """Numbers with modifiers (min, max, approximate), what they count (unit) and whether they are
    killed / injured / missing / displaced / evacuated / detained / distance figures."""

    def quantities(article: Article) -> None:
        article.quantities = mentions(article)

    return quantities
