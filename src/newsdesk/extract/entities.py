"""People, organisations, places and groups of an article, with their aliases merged.

spaCy's NER (run by the ``parse`` step on the title, body and heading
paragraphs) gives the raw mentions. This module repairs the small model's
typical slips with general rules, then merges mentions that name the same
entity within the article:

- full name ↔ its last tokens ("Vyacheslav Gladkov" / "Gladkov");
- a name introduced by "known as", "nicknamed", "alias", "identified ... as",
  or by a relative clause "X, who ... is Y";
- an organisation and the acronym in parentheses after it, whatever its letters;
- case and spelling variants (the same name in another case, or two names the
  gazetteer knows as one place: "Kiev" / "Kyiv");
- role references ("the governor", "the CVR commander") when the article binds
  exactly one person to that role ("the regional governor Vyacheslav Gladkov").

:func:`resolve_desk` merges the per-article entities across the desk and
:func:`entity_at` finds the entity mentioned at a span (for claim speakers).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from ..clean.glue import web_unigrams
from ..components import Components
from ..model import TITLE, Article, Entity, Mention, Span, stable_id
from ..outlets import NEWSPAPER_WORDS
from ..pipeline import step
from ..vocabulary import facility_kind, road_number
from .gazetteer import COMPASS_DIRECTIONS, SETTLEMENTS, key
from .spacy_import import stop_words as spacy_stop_words

LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "LOC", "NORP": "NORP"}
PLACE = ("GPE", "LOC")

# Words in Google's web unigram counts (wordsegment) at least this frequent are common
# English words: a lone capitalised one at the start of a sentence ("Smoke") or left over
# from a glued word ("Dronesaccording") is not a name, and a name this common is not
# searched for in lower case.
COMMON_WORD = 100_000
COMMON_NAME = 2_000_000
# A glued word ("Shoigupromised") splits before a suffix that is a stop word or a word at
# least this frequent (promised: 7.2M) when the whole token is not a word itself.
GLUE_SUFFIX = 5_000_000
# Lower-case place names ("kyiv") are taken from the gazetteer only for places this big
# (or countries and regions): small places are named after common words too often.
LOWERCASE_PLACE_POPULATION = 100_000

LOCATIVE = {
    "in",
    "of",
    "from",
    "near",
    "to",
    "at",
    "into",
    "across",
    "around",
    "outside",
    "towards",
    "toward",
    "on",
    "inside",
    "through",
    "via",
}
REGION_WORDS = {
    "region",
    "oblast",
    "province",
    "state",
    "county",
    "district",
    "governorate",
    "border",
    "city",
    "village",
    "town",
    "prefecture",
}
AREA_WORDS = {"oblast", "province", "region", "governorate", "prefecture", "krai", "kray"}  # never an org's head
ORG_HEADS = {
    "house",
    "institute",
    "university",
    "council",
    "ministry",
    "party",
    "corps",
    "group",
    "agency",
    "committee",
    "company",
    "bank",
    "foundation",
    "legion",
    "army",
    "court",
    "office",
    "department",
    "association",
    "union",
    "center",
    "centre",
    "service",
    "network",
    "press",
    "news",
    "times",
    "post",
}
# Office titles that designate one person in an article. Leadership titles are one class:
# an article calls the same person "the leader" and "the commander".
ROLES = {
    "leader": "leader",
    "commander": "leader",
    "head": "leader",
    "chief": "leader",
    "boss": "leader",
    "founder": "founder",
    "governor": "governor",
    "mayor": "mayor",
    "president": "president",
    "minister": "minister",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
    "director": "director",
    "chairman": "chair",
    "chairwoman": "chair",
    "sheriff": "sheriff",
    "prosecutor": "prosecutor",
    "ambassador": "ambassador",
    "secretary": "secretary",
    "coach": "coach",
    "ceo": "ceo",
}
_ROLE = "|".join(sorted(ROLES, key=len, reverse=True))
ROLE_BEFORE_NAME = re.compile(rf"\b[Tt]he\s+(?:[A-Za-z-]+\s+){{0,3}}?({_ROLE})\s*,?\s*$")
ROLE_REFERENCE = re.compile(
    rf"\b[Tt]he\s+(?:(?P<mod>[A-Za-z-]+)\s+){{0,2}}?(?P<role>{_ROLE})\b(?:\s+of\s+the\s+(?P<of>[a-z]+)\b)?"
)
ALIAS_CUE = re.compile(
    r"(?:\b(?:known|identified|named|described|referred to|called)\b[^.;:]{0,60}?\bas|"
    r"\bnicknamed|\balias|\baka|\ba\.k\.a\.|\bdubbed)\s*[\"“']?$",
    re.IGNORECASE,
)
WHO_IS = re.compile(r"^\s*,?\s*who\b[^.;:]*?\b(?:is|was)\b[^.;:]*$")
ACRONYM_AFTER = re.compile(r"^\s*\(\s*([A-Z][A-Za-z]{0,2}[A-Z][A-Za-z]{0,6})\s*\)")
# "the other leader", "the former governor": a different person than the one bound to the role
OTHER = re.compile(r"\b(?:other|another|former|new|deputy|vice)\b", re.IGNORECASE)
POSSESSIVE = ("'s", "’s", "'", "’")
EDGE_PUNCT = "\"'“”‘’«»()[]{}.,;:!?-–—*"


_unigrams = web_unigrams  # word counts of the web (wordsegment's), loaded once per process


def entity_id(type: str, name: str) -> str:
    """The id of the entity of this type and canonical name (the same in every article)."""
    return stable_id("entity", type, name)


def unglued(word: str) -> str:
    """``word`` without a lower-case word glued to its end ("Ivanovpromised" → "Ivanov")."""
    caps = re.fullmatch(r"([A-Z][a-z]+)([A-Z]{3,})", word)
    if caps:  # a dateline glued to the name before it ("ChicagoCHICAGO")
        return caps.group(1)
    words = _unigrams()
    if (
        len(word) < 5
        or not word.isalpha()
        or not word[0].isupper()
        or word.lower() in words
        or _gazetteer().candidates(word)
    ):
        return word  # a word, or a place the gazetteer knows ("Canoas" is no "Cano" + "as")
    lower = word.lower()
    for cut in range(3, len(word)):
        suffix = lower[cut:]
        if not word[cut:].islower():
            continue
        # the part kept must be a known word or name itself ("Kozinka" is not "Kozink" + "a")
        if lower[:cut] in words and (
            suffix in spacy_stop_words() or (len(suffix) >= 4 and words.get(suffix, 0) >= GLUE_SUFFIX)
        ):
            return word[:cut]
    return word


@dataclass
class Found:
    """One mention while the article's entities are being assembled."""

    paragraph: int
    start: int
    end: int
    text: str
    type: str
    alias: bool = False  # introduced as an alternative name ("known as X")
    role: bool = False  # a role reference ("the governor")
    weak: bool = False  # a common word ("Brown") kept only if it is part of a longer name
    seat: bool = False  # the town a municipal organisation is named after ("Townville" of "Townville Police")


class Mentions:
    """Mentions and the union-find that groups them into entities."""

    def __init__(self) -> None:
        self.items: list[Found] = []
        self.components = Components()

    def add(self, found: Found) -> int:
        self.items.append(found)
        return self.components.find(len(self.items) - 1)

    def find(self, i: int) -> int:
        return self.components.find(i)

    def union(self, a: int, b: int) -> None:
        self.components.join(a, b)

    def groups(self) -> dict[int, list[int]]:
        return self.components.groups()

    def covers(self, paragraph: int, start: int, end: int) -> bool:
        return any(f.paragraph == paragraph and f.start < end and start < f.end for f in self.items)


def _gazetteer():
    from .gazetteer import load

    return load()


def clean_span(ent) -> tuple[int, int, str] | None:
    """Character offsets and text of an entity span without a leading "the", a possessive,
    edge punctuation or a glued-on word; None when nothing name-like is left."""
    doc = ent.doc
    tokens = list(ent)
    while tokens and tokens[0].lower_ == "the":
        tokens = tokens[1:]
    while tokens and (tokens[-1].text in POSSESSIVE or tokens[-1].is_punct):
        tokens = tokens[:-1]
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    text = doc.text[start:end]
    for stop in (" (", "/"):  # "Belgorod (Reuters", "Reuters/Screenshot": a credit glued on
        if stop in text:
            text = text[: text.index(stop)]
    for quote in '”“"«»':  # a quote glued inside a token ends the name ("partisans”as")
        if quote in text.strip(EDGE_PUNCT):
            text = text[: text.index(quote, 1)] if text.index(quote) > 0 else text
    last = text.split()[-1] if text.split() else ""
    fixed = unglued(last)
    if fixed != last:
        text = text[: len(text) - len(last) + len(fixed)]
    while text and text[-1] in EDGE_PUNCT:
        text = text[:-1]
    for suffix in POSSESSIVE:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    lead = len(text) - len(text.lstrip(EDGE_PUNCT))
    text = text[lead:]
    start += lead
    if not any(c.isalpha() for c in text):
        return None
    return start, start + len(text), text


def _is_place_name(name: str, population: int = 1000) -> bool:
    return any(c.is_area or c.population >= population for c in _gazetteer().candidates(name))


def _common_word(label: str, ent, text: str) -> bool:
    """A lone capitalised common word at the start of a sentence ("Smoke") or left from a glued
    word ("Dronesaccording"): a name only if the article also gives it as part of a longer name."""
    if len(text.split()) != 1:
        return False
    doc = ent.doc
    at_sentence_start = ent.start == ent.sent.start or (ent.start > 0 and doc[ent.start - 1].is_punct)
    glued = text != ent.text.strip(EDGE_PUNCT)
    # the tagger's common-noun reading ("Smoke" NN) separates it from a name ("Putin" NNP)
    common_reading = ent[0].tag_ not in ("NNP", "NNPS", "JJ")
    return (
        (glued or (at_sentence_start and common_reading))
        and _unigrams().get(text.lower(), 0) >= COMMON_WORD
        and not _is_place_name(text)
    )


def _retype(label: str, ent, text: str) -> str | None:
    """The corrected type of a mention, or None to drop it."""
    doc = ent.doc
    words = text.split()
    if label in ("PERSON", "ORG") and not any(c.isupper() for c in text):
        return None
    if label != "PERSON" and _common_word(label, ent, text):
        return None
    if label == "ORG" and words[-1].lower() in ROLES:
        return None  # a title ("Defense Minister"), not an organisation
    if label != "PERSON" and re.match(r"^\s*,?\s*who\b", doc.text[ent.end_char :]):
        return "PERSON"  # "Keir Giles, who works ...": organisations and places take "which"
    before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
    after = doc[ent.end].lower_ if ent.end < len(doc) else ""
    place_context = (before in LOCATIVE and not doc[ent.start].lower_ == "the") or after in REGION_WORDS
    if label in ("ORG", "NORP") and place_context and _is_place_name(text):
        return "GPE"
    if (
        label in ("ORG", "NORP")
        and words[-1].lower() in AREA_WORDS
        and any(c.is_area for c in _gazetteer().candidates(text))
    ):
        return "GPE"  # "Belgorod Oblast", "Punjab province": a region's name with its type word
    if label == "PERSON" and place_context and _is_place_name(text, NAMED_PLACE_POPULATION):
        return "GPE"  # "in Misrata", "in Kosice": the small model takes many towns abroad for people
    if label in PLACE and not _gazetteer().candidates(text):
        if len(words) > 1 and words[-1].lower() in ORG_HEADS:
            return "ORG"
        if len(ent) == 1 and ent[0].tag_ == "JJ":
            return "NORP"
    return label


def _spans(doc) -> list[tuple[object, str]]:
    """(entity span, label) with an adjectival NORP joined to the organisation name that follows
    ("Russian" + "Volunteer Corps")."""
    out = []
    ents = [e for e in doc.ents if e.label_ in LABELS]
    i = 0
    while i < len(ents):
        ent = ents[i]
        nxt = ents[i + 1] if i + 1 < len(ents) else None
        if (
            ent.label_ == "NORP"
            and nxt is not None
            and nxt.label_ == "ORG"
            and nxt.start == ent.end
            and len(nxt) >= 2
            and ent.text[:1].isupper()
            and nxt.text[:1].isupper()
        ):
            out.append((doc[ent.start : nxt.end], "ORG"))
            i += 2
            continue
        out.append((_extended(ent, nxt), LABELS[ent.label_]))
        i += 1
    return out


def _extended(ent, nxt):
    """An organisation or person span continued over the untagged proper nouns right after it
    ("the Russian" + "Volunteer Corps")."""
    if ent.label_ not in ("ORG", "PERSON"):
        return ent
    end = ent.end
    limit = nxt.start if nxt is not None else len(ent.doc)
    while end < limit and ent.doc[end].tag_ in ("NNP", "NNPS") and ent.doc[end].text[:1].isupper():
        end += 1
    return ent.doc[ent.start : end]


_ORG_HEAD = "|".join(sorted(h.capitalize() for h in ORG_HEADS))
# A title-case name ending in an organisation word, possibly with "for" inside
# ("Freedom for Russia Legion"): the small model often misses or splits these.
ORG_CHUNK = re.compile(rf"(?<![\w-])(?:[A-Z][\w'’-]*\s+(?:(?:for|de)\s+)?)+(?:{_ORG_HEAD})\b")


def _org_chunks(text: str) -> list[tuple[int, int, str]]:
    out = []
    for match in ORG_CHUNK.finditer(text):
        start, name = match.start(), match.group()
        words = name.split()
        while words and words[0].lower() in ("the", "a", "an") | ROLES.keys():
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else match.end()
            words = words[1:]
        if len(words) >= 2:
            out.append((start, match.end(), text[start : match.end()]))
    return out


def _collect(article: Article, mentions: Mentions) -> None:
    for paragraph in sorted(article.docs):
        doc = article.docs[paragraph]
        chunks = _org_chunks(doc.text)
        for start, end, text in chunks:
            mentions.add(Found(paragraph, start, end, text, "ORG"))
        for ent, label in _spans(doc):
            cleaned = clean_span(ent)
            if cleaned is None:
                continue
            start, end, text = cleaned
            if label != "PERSON" and any(s < end and start < e for s, e, _ in chunks):
                continue
            kind = _retype(label, ent, text)
            if kind is None:
                continue
            weak = kind == "PERSON" and _common_word(label, ent, text)
            mentions.add(Found(paragraph, start, end, text, kind, weak=weak))


PEOPLE_NOUNS = {
    "man",
    "woman",
    "men",
    "women",
    "teen",
    "teenager",
    "toddler",
    "boy",
    "girl",
    "resident",
    "residents",
    "native",
}
# Words after a town's name in local news ("Stockton man", "Reno police") and the tails of
# municipal organisation names ("Aurora Police Department") that contain a place name.
PLACE_FOLLOWERS = PEOPLE_NOUNS | {
    "police",
    "home",
    "area",
    "neighborhood",
    "community",
    "address",
    "apartment",
    "officials",
    "shooting",
    "mayor",
    "city",
    "county",
    "fire",
    "sheriff",
    "council",
    "schools",
    "suburb",
    "downtown",
}
# "in south Townville", "in rural Townville": a part of a place between the preposition and the name
PLACE_MODIFIERS = COMPASS_DIRECTIONS | {
    "rural",
    "downtown",
    "central",
    "suburban",
}
AGENCY_HEADS = {"police", "sheriff", "sheriff's", "pd", "metropolitan", "metro"}
MUNICIPAL = (
    AGENCY_HEADS
    | {
        "department",
        "dept",
        "office",
        "fire",
        "rescue",
        "county",
        "city",
        "council",
        "school",
        "schools",
        "district",
        "hospital",
        "coroner",
        "court",
        "officials",
        "prosecutor's",
        "attorney's",
        "jail",
        "detention",
        "center",
        "board",
        "state",
        "highway",
        "patrol",
        "troopers",
        "regional",
        "memorial",
        "general",
    }
    | NEWSPAPER_WORDS
)  # local newspapers carry their town's name ("Orlando Sentinel", "Augusta Chronicle")
# Without such context, an organisation named exactly like a city this big is the city
# ("Burbank", "Reno" tagged ORG in local news); smaller namesakes are often real organisations.
ORG_AS_CITY_POPULATION = 50_000
# A lone name the model took for a person's that is a national capital or a city this big is the place ("Tbilisi
# says", "Alexandria is a finalist"): such a city is named far more often than a person of that single name.
PERSON_AS_CITY_POPULATION = 300_000


def _municipal_places(article: Article, mentions: Mentions) -> None:
    """The place at the start of a municipal organisation's, hospital's or local newspaper's name
    ("Aurora Police Department", "Orlando Regional Medical Center", "Los Angeles Times"): a nested mention of
    the place."""
    for f in list(mentions.items):
        if f.type not in ("ORG", "PERSON"):
            continue
        words = f.text.split()
        # a person's name may end in "Post" or "Bee", not in "Police": the model took "Townville Police" for one
        heads = MUNICIPAL if f.type == "ORG" else AGENCY_HEADS
        for cut in range(len(words) - 1, 0, -1):
            if words[cut].lower().replace("’", "'") not in heads:
                continue
            name = " ".join(words[:cut])
            if words[cut].lower() in ("county", "parish") and _is_place_name(f"{name} {words[cut]}", 500):
                name = f"{name} {words[cut]}"  # "Tarrant County Medical Examiner": the county, not a town "Tarrant"
            if not _is_place_name(name, 500):
                name = name.split("-")[0]  # "Townville-Shire Metropolitan Police": a joint agency's first town
            if _is_place_name(name, 500):
                mentions.add(Found(f.paragraph, f.start, f.start + len(name), name, "GPE", seat=True))
                f.type = "ORG"
                break


# Words that name a region in some country ("Central", Paraguay; "Northwest", Iceland) but begin names as words.
GENERIC_AREA_WORDS = PLACE_MODIFIERS | {
    "northern",
    "southern",
    "eastern",
    "western",
    "national",
    "federal",
    "capital",
    "metropolitan",
    "greater",
    "new",
    "united",
}


def _leading_places(article: Article, mentions: Mentions) -> None:
    """The area or city an organisation's or a facility's name begins with ("Georgia Bureau of Investigation",
    "Tarrant County Medical Examiner", "Evansville Federal Credit Union"): a nested mention of the place, when it
    is a country, region or county, or a city of ORG_AS_CITY_POPULATION people, and two words at least follow it."""
    gazetteer = _gazetteer()
    covered = {(f.paragraph, f.start) for f in mentions.items if f.type in PLACE}
    for f in list(mentions.items):
        if f.type not in ("ORG", "LOC") or f.role or (f.paragraph, f.start) in covered:
            continue
        words = f.text.split()
        for size in range(min(3, len(words) - 2), 0, -1):
            name = " ".join(words[:size])
            if set(key(name).split()) <= GENERIC_AREA_WORDS:  # "Central Mental Hospital": no region "Central"
                continue
            if any(
                c.is_area
                or c.feature == "county"
                or c.population >= ORG_AS_CITY_POPULATION
                and key(c.name) == key(name)
                for c in gazetteer.candidates(name)
            ):
                mentions.add(Found(f.paragraph, f.start, f.start + len(name), name, "GPE"))
                break


def _mistagged_places(article: Article, mentions: Mentions) -> None:
    """A person, organisation or nationality name that is a place the context shows as such: after a
    locative preposition ("in south Townville" too), before "police"/"man"/"address" (a nationality: not before a
    person noun), starting a municipal organisation's name, or (organisations only) a city of 50,000 people or
    more."""
    people = [key(f.text).split() for f in mentions.items if f.type == "PERSON"]
    municipal = {key(f.text) for f in mentions.items if f.type == "GPE"}
    for f in mentions.items:
        if f.type not in ("ORG", "PERSON", "NORP") or f.role:
            continue
        words = key(f.text).split()
        if f.type == "PERSON" and any(
            len(n) > len(words) and words in (n[-len(words) :], n[: len(words)]) for n in people
        ):  # a part of a person's name the article gives in full ("Madison Keys", "Whitney Houston")
            continue
        candidates = [  # a country by any of its names ("UAE"), other places by their own
            c for c in _gazetteer().candidates(f.text) if key(c.name) == key(f.text) or c.feature == "country"
        ]
        if not candidates:
            continue
        text = article.paragraph_text(f.paragraph)
        before = [w.lower() for w in text[: f.start].split()[-2:]] or [""]
        after = text[f.end :].split()[:1] or [""]
        follower = after[0].lower().strip(".,")
        modified = len(before) == 2 and before[0] in LOCATIVE and before[1] in PLACE_MODIFIERS
        locative = before[-1] in LOCATIVE or modified and follower not in PEOPLE_NOUNS
        if f.type == "NORP":  # "Townville police", "in Townville"; not "a Mexican man", a nationality
            context = locative or follower in PLACE_FOLLOWERS and follower not in PEOPLE_NOUNS
        else:
            context = locative or follower in PLACE_FOLLOWERS or key(f.text) in municipal
        big = f.type == "ORG" and any(c.population >= ORG_AS_CITY_POPULATION or c.is_area for c in candidates)
        big = (
            big
            or f.type == "PERSON"
            and any(
                c.population >= PERSON_AS_CITY_POPULATION or c.gazetteer_id in _gazetteer().capitals for c in candidates
            )
        )
        if context or big:
            f.type = "GPE"


# Types the model gives a town's name by mistake ("TOWNVILLE, Ore." an organisation, "Townville police" a nationality).
MISTYPED = ("ORG", "NORP", "PERSON")
_DATELINE = re.compile(r"(?<![A-Z])([A-Z][A-Z'.-]{2,}(?: [A-Z][A-Z'.-]+){0,2})(?=\s*(?:,|\(|—|–|--|:)|\s-\s)")
# A station's call letters glued before a dateline (North American ones begin with K, W or C): only those are cut,
# so "UPDATE:" and "BREAKING:" do not become the towns "Date" and "King".
CALL_LETTERS = re.compile(r"[CKW][A-Z]{2,3}")
# Smallest place a dateline may name: the pattern also meets acronyms before a comma.
DATELINE_POPULATION = 1_000


def _datelines(article: Article, mentions: Mentions) -> None:
    """The place of the article's dateline ("Moscow, 23 May (EFE).-"), and place names in capitals before a comma,
    parenthesis or dash ("RENO, Nev. —", "CHICAGO (AP)", "RENO - "), even glued to the text or station call
    letters before them ("WCIVCHARLESTON, S.C.")."""
    line = article.dateline
    if line is not None and line.place_span.paragraph in article.docs:
        _place_at(mentions, line.place_span.paragraph, line.place_span.start, line.place)
    for paragraph in sorted(article.docs):
        text = article.paragraph_text(paragraph)
        for match in _DATELINE.finditer(text):
            name = match.group(1).rstrip(".")
            offset = next(
                (
                    i
                    for i in range(0, max(1, len(name) - 3))
                    if (i == 0 or CALL_LETTERS.fullmatch(name[:i])) and _is_place_name(name[i:], DATELINE_POPULATION)
                ),
                None,
            )
            if offset is None or len(name) - offset < 4:
                continue
            name = name[offset:]
            start = match.start(1) + offset
            _place_at(mentions, paragraph, start, name)  # "TOWNVILLE, Ore. (AP)": a place, whatever the model said


def _place_at(mentions: Mentions, paragraph: int, start: int, name: str) -> None:
    """The name at ``start`` is a place: a mention of it the model typed as an organisation, a nationality or a
    person becomes one (not a role's), and where the model found none, one is added."""
    end = start + len(name)
    same = [f for f in mentions.items if f.paragraph == paragraph and f.start == start and f.end == end]
    for f in same:
        if f.type in MISTYPED and not f.role:
            f.type = "GPE"
    if not same:
        mentions.add(Found(paragraph, start, end, name, "GPE"))


# Smallest place an untagged capitalised name in a place context may name.
UNTAGGED_PLACE_POPULATION = 10_000
NAMED_PLACE_POPULATION = 50_000  # a name the model took for a person's, after "in": a town this large or an area
LABELLED_PLACE_POPULATION = 1_000  # the model took it for a name of something


# Labels the small model gives a town's name that no step keeps ("a shooting in Temecula" a PRODUCT, "in
# Fellsmere" a DATE): such a name counts as untagged, a calendar word ("in March", "in Spring") excepted.
UNKEPT_LABELS = {"PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "DATE"}
CALENDAR_WORD = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|(?:mon|tues|wednes|thurs|"
    r"fri|satur|sun)day|spring|summer|fall|autumn|winter|christmas|easter|thanksgiving|"
    r"halloween|today|tonight|yesterday|tomorrow",
    re.I,
)


# A season is written in lower case: capitalised inside a sentence it names a place ("in Spring", Texas).
SEASON = re.compile(r"spring|summer|fall|autumn|winter", re.I)


def _untagged(token) -> bool:
    calendar = CALENDAR_WORD.fullmatch(token.text) and not (SEASON.fullmatch(token.text) and not token.is_sent_start)
    return (
        token.tag_ == "NNP"
        and token.text[:1].isupper()
        and (not token.ent_type_ or token.ent_type_ in UNKEPT_LABELS and not calendar)
    )


def _untagged_places(article: Article, mentions: Mentions) -> None:
    """Capitalised names the model left untagged (or gave a label no step keeps) that the gazetteer knows and
    the context shows as places: after a locative preposition, or before "police", "man", "shooting"..."""
    for paragraph in sorted(article.docs):
        doc = article.docs[paragraph]
        i = 0
        while i < len(doc):
            if not _untagged(doc[i]):
                i += 1
                continue
            j = i
            while j < len(doc) and j - i < 3 and _untagged(doc[j]):
                j += 1
            span = doc[i:j]
            before = doc[i - 1].lower_ if i > 0 else ""
            if before in ("a", "an") and i > 1:  # "in a Townville bar"
                before = doc[i - 2].lower_
            after = doc[j].lower_ if j < len(doc) else ""
            if (
                (before in LOCATIVE or after in PLACE_FOLLOWERS)
                and not mentions.covers(paragraph, span.start_char, span.end_char)
                and _is_place_name(
                    span.text,
                    LABELLED_PLACE_POPULATION if any(t.ent_type_ for t in span) else UNTAGGED_PLACE_POPULATION,
                )
            ):
                mentions.add(Found(paragraph, span.start_char, span.end_char, span.text, "GPE"))
            i = j


CITY_COMMA_STATE = re.compile(
    r"\b((?:[A-Z][\w'’-]*\s){0,2}[A-Z][\w'’-]*),\s+([A-Z][A-Za-z]{1,12}\.?(?:\s?[A-Z][a-z]*\.?)?)"
)


def _city_state_pairs(article: Article, mentions: Mentions) -> None:
    """ "Lima, OH", "Springfield, Ill.", "Aurora, Colorado": a name before a US state that the
    gazetteer knows in that state is a place, tagged or not."""
    gazetteer = _gazetteer()
    for paragraph in sorted(article.docs):
        text = article.paragraph_text(paragraph)
        for match in CITY_COMMA_STATE.finditer(text):
            state = gazetteer.us_state(match.group(2).rstrip(".")) or gazetteer.us_state(
                match.group(2).split()[0].rstrip(".")
            )
            if state is None:
                continue
            words = match.group(1).split()
            for first in range(len(words)):
                name = " ".join(words[first:])
                if any(c.region == f"US.{state}" and not c.is_area for c in gazetteer.candidates(name)):
                    start = match.start(1) + match.group(1).index(name)
                    _place_at(mentions, paragraph, start, name)  # "Townville, Ore.": a town of that state
                    break


LISTED = re.compile(r"^\s*(?:,|,?\s*and|,?\s*or)\s*$")


def _listed_places(article: Article, mentions: Mentions) -> None:
    """A name the model took for a person's or an organisation's, listed with places ("in Hilversum and Almelo",
    "from Gloucester and Cheltenham", "Zilina, Nitra and Kosice"), is a place when the gazetteer knows it as
    one of LABELLED_PLACE_POPULATION people or an area."""
    by_paragraph: dict[int, list[Found]] = {}
    for f in mentions.items:
        by_paragraph.setdefault(f.paragraph, []).append(f)
    for paragraph, found in by_paragraph.items():
        text = article.paragraph_text(paragraph)
        found.sort(key=lambda f: f.start)
        changed = True
        while changed:  # a list runs on: "A, B, C and D" with only A tagged
            changed = False
            for a, b in pairwise(found):
                if not LISTED.match(text[a.end : b.start]) or (a.type in PLACE) == (b.type in PLACE):
                    continue
                other = b if a.type in PLACE else a
                if (
                    other.type in ("PERSON", "ORG", "NORP")
                    and not other.role
                    and _is_place_name(other.text, LABELLED_PLACE_POPULATION)
                ):
                    other.type, changed = "GPE", True


# A run of capitalised words (an ordinal, "St." and a few joining words inside) that may name a facility.
_NAME_RUN = re.compile(
    r"(?<![\w'’-])(?:(?:[A-Z][\w'’.&-]*|\d+(?:st|nd|rd|th))\s+(?:(?:of|de|du|des|la|le|del|di|d’|d')\s*)?){0,6}"
    r"[A-Z][\w'’-]*\.?"
)
_POSSESSIVE_WORD = re.compile(r"\S+['’]s?\s+")  # "Derry’s Altnagelvin Hospital": the hospital starts after it


def _facility_names(text: str) -> list[tuple[int, int]]:
    """Spans of the street and facility names written in ``text``: road numbers, and the longest run of
    capitalised words ending in a facility's head word ("14th St." of "14th St. Thursday"), after a possessive
    and without a leading article."""
    found = [(m.start(), m.end()) for m in road_number().finditer(text)]
    for match in _NAME_RUN.finditer(text):
        cuts = [0] + [p.end() for p in _POSSESSIVE_WORD.finditer(match.group())]
        for cut in reversed(cuts):  # the name after the last possessive that is a facility's name by itself
            name = _facility_prefix(match.group()[cut:])
            if name:
                start = match.start() + cut + match.group()[cut:].index(name)
                found.append((start, start + len(name)))
                break
    return found


def _facility_prefix(run: str) -> str | None:
    """The longest start of ``run`` (without a leading article) that names a facility."""
    words = run.split()
    while len(words) > 1 and words[0] in ("The", "A", "An", "In", "At", "On", "From"):
        words = words[1:]
    for size in range(len(words), 1, -1):
        name = " ".join(words[:size])
        name = name if name.endswith("St.") else name.rstrip(".")
        if facility_kind(name):
            return name
    return None


def _facilities(article: Article, mentions: Mentions) -> None:
    """Named streets and facilities ("Frenchmen Street", "Rue Casa Calvo", "Carnegie Library", "A429") are places:
    a street's name is one whatever the tagger said; a building's name that the tagger took for an organisation
    stays one (it is placed as well, see extract/places.py), for a person it becomes a place. Names the tagger left
    untagged are added (``vocabulary.toml`` [facilities] holds the head words); headlines are left alone."""
    for f in mentions.items:
        kind = facility_kind(f.text)
        if kind and not f.role and (f.type in ("PERSON", "NORP") or f.type == "ORG" and kind == "street"):
            f.type = "LOC"
    for paragraph in sorted(article.docs):
        if paragraph == TITLE or article.paragraphs[paragraph].role == "heading":
            continue
        text = article.paragraph_text(paragraph)
        found = _facility_names(text)
        for start, end in found:
            inside = [f for f in mentions.items if f.paragraph == paragraph and f.start < end and start < f.end]
            if any(f.start < start or f.end > end for f in inside):
                continue  # a longer name the model found around it
            name = text[start:end]
            kind = "ORG" if facility_kind(name) == "building" else "LOC"
            part = next((f for f in inside if f.type not in PLACE), None)
            if part is not None:  # "Meydan" of "Meydan Racecourse": the whole is the name
                part.start, part.end, part.text, part.type = start, end, name, kind if part.type == "ORG" else "LOC"
            elif not any(f.start == start and f.end == end for f in inside):
                mentions.add(Found(paragraph, start, end, name, "LOC"))


# "Knockhill, Fife.", "Thruxton, Hampshire;", "New Quay, Ceredigion, on Wednesday": a name, a comma, an area's name
# and the end of the item.
NAME_COMMA_AREA = re.compile(
    r"(?<![\w'’.-])((?:[A-Z][\w'’-]*\s){0,3}[A-Z][\w'’-]*),\s+([A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*){0,2})"
    r"(?=\s*(?:[.;:)]|,?\s+and\b|,\s+(?!and\b|or\b)[a-z]|$))"
)
BASED = re.compile(r"((?:[A-Z][\w'’]*\s){0,2}[A-Z][\w'’]*)-based\b")  # "a Kent-based team", "Abu Dhabi-based"


def _places_by_form(article: Article, mentions: Mentions) -> None:
    """Names written the way places are, whatever the tagger made of them: "X-based" (a place the gazetteer
    knows), and "X, Area" closing a list item or a sentence ("Knockhill, Fife.": X lies in that region or
    country; a person's name only before a region, "Smith, Texas" being rarer than "Brands Hatch, Kent")."""
    gazetteer = _gazetteer()
    for paragraph in sorted(article.docs):
        text = article.paragraph_text(paragraph)
        here = [f for f in mentions.items if f.paragraph == paragraph]
        for match in BASED.finditer(text):  # the longest place name ending before "-based", inside a name or not
            words = match.group(1).split()
            for first in range(len(words)):
                name = " ".join(words[first:])
                if _is_place_name(name, LABELLED_PLACE_POPULATION):
                    start, end = match.end(1) - len(name), match.end(1)
                    same = [f for f in here if f.start == start and f.end == end]
                    for f in same:
                        if f.type in MISTYPED and not f.role:
                            f.type = "GPE"
                    if not same:
                        mentions.add(Found(paragraph, start, end, name, "GPE"))
                    break
        for match in NAME_COMMA_AREA.finditer(text):
            area = [c for c in gazetteer.candidates(match.group(2)) if c.is_area or c.feature == "county"]
            if not area:
                continue
            whole = [f for f in here if f.start == match.start(1) and f.end == match.end(2) and f.type != "PERSON"]
            for f in whole if not gazetteer.candidates(match.group()) else ():
                # the model took "Thruxton, Hampshire" for one name: the place, then the area it lies in
                f.end, f.text = match.end(1), match.group(1)
                mentions.add(Found(paragraph, *match.span(2), match.group(2), "GPE"))
                here.append(mentions.items[-1])
            for group, kind in ((2, "GPE"), (1, "GPE" if _is_place_name(match.group(1)) else "LOC")):
                start, end = match.span(group)
                inside = [f for f in here if f.start < end and start < f.end]
                same = [f for f in inside if f.start == start and f.end == end]
                for f in same:
                    if f.type == "PERSON" and all(c.feature == "country" for c in area):
                        continue
                    if f.type in MISTYPED and not f.role:
                        f.type = kind
                name = match.group(group)
                common = " " not in name and _unigrams().get(name.lower(), 0) >= COMMON_WORD
                if not inside and not (common and not _is_place_name(name)):
                    mentions.add(Found(paragraph, start, end, name, kind))


# Between two pieces of one place name the model split ("Boa" + "Vista"); a comma parts a town from its area.
NAME_GAP = re.compile(r"^ $")
# "state" after a region's name ("Benue state", "Borno State"): part of the name (the model leaves it out).
REGION_TYPE_AFTER = re.compile(r"^\s+[Ss]tate\b")


def _place_spans(article: Article, mentions: Mentions) -> None:
    """Place names cut where the gazetteer says they begin and end, whatever the model joined or split: two
    adjacent pieces that together are a town's name are one mention ("Boa Vista"); a region
    named with its type word takes the word ("Benue state")."""
    gazetteer = _gazetteer()
    by_paragraph: dict[int, list[Found]] = {}
    for f in mentions.items:
        if f.type:
            by_paragraph.setdefault(f.paragraph, []).append(f)
    for paragraph, found in by_paragraph.items():
        text = article.paragraph_text(paragraph)
        found.sort(key=lambda f: f.start)
        for a, b in pairwise(found):
            if a.type not in PLACE or b.type == "PERSON" or not NAME_GAP.match(text[a.end : b.start]):
                continue
            joined = text[a.start : b.end]
            if key(joined) != key(a.text) and any(
                c.feature in SETTLEMENTS and c.population >= LABELLED_PLACE_POPULATION
                for c in gazetteer.candidates(joined)
            ):
                a.end, a.text, b.type = b.end, joined, ""
        for f in found:
            match = REGION_TYPE_AFTER.match(text[f.end :])
            if f.type in PLACE and match and any(c.is_area for c in gazetteer.candidates(f.text + match.group())):
                f.end, f.text = f.end + match.end(), text[f.start : f.end + match.end()]


def _vote_types(mentions: Mentions) -> None:
    """The same name tagged ORG here and GPE there takes the type most of its mentions have
    (places counting together), a place's when an organisation is named after it ("a Valdosta teenager",
    "Valdosta Police"); PERSON stays apart."""
    votes: dict[str, Counter] = {}
    seats = {key(f.text) for f in mentions.items if f.seat}
    for f in mentions.items:
        if f.type != "PERSON":
            votes.setdefault(key(f.text), Counter())["GPE" if f.type in PLACE else f.type] += 1
    for f in mentions.items:
        if f.type != "PERSON":
            best = "GPE" if key(f.text) in seats else votes[key(f.text)].most_common(1)[0][0]
            if best == "GPE" and f.type in PLACE:
                continue
            f.type = best


def _place_id(name: str) -> str | None:
    found = _gazetteer().candidates(name)
    return found[0].gazetteer_id if found else None


def _merge_same_names(mentions: Mentions) -> None:
    first: dict[tuple, int] = {}
    for i, f in enumerate(mentions.items):
        group = "place" if f.type in PLACE else f.type
        keys = [(group, key(f.text))]
        if group == "place":
            place = _place_id(f.text)
            if place:
                keys.append((group, place))
        for k in keys:
            if k in first:
                mentions.union(first[k], i)
            else:
                first[k] = i


def _merge_surnames(mentions: Mentions) -> None:
    """A person's last names alone ("Gladkov", "White Rex") are that person when only one
    longer name of the article ends with them."""
    names = {tuple(key(f.text).split()) for f in mentions.items if f.type == "PERSON"}
    for f in mentions.items:
        words = key(f.text).split()
        if (
            f.type in ("ORG", "NORP", "LOC")
            and any(len(n) > len(words) and list(n[-len(words) :]) == words for n in names)
            and not _gazetteer().candidates(f.text)
        ):
            f.type = "PERSON"  # the model tags a nickname "White Rex" LOC or ORG
    people = [(i, key(f.text).split()) for i, f in enumerate(mentions.items) if f.type == "PERSON"]
    full = {}
    for i, words in people:
        full.setdefault(tuple(words), i)
    for i, words in people:
        longer = {
            mentions.find(j)
            for name, j in full.items()
            if len(name) > len(words) and list(name[-len(words) :]) == words
        }
        if len(longer) == 1:
            mentions.union(i, longer.pop())
        elif not longer and len(words) == 1 and (_plural_noun(words[0]) or mentions.items[i].weak):
            mentions.items[i].type = ""  # a capitalised common noun ("Drones"), not a surname


def _plural_noun(word: str) -> bool:
    return word.endswith("s") and word in _unigrams() and _unigrams().get(word[:-1], 0) >= COMMON_WORD * 5


def _merge_acronyms(article: Article, mentions: Mentions) -> None:
    """ "Name (ACR)" makes ACR an alias of Name, whatever its letters; an all-caps name whose letters
    are the initials of another organisation's name is that organisation."""
    defined: dict[str, int] = {}
    for i, f in enumerate(list(mentions.items)):
        if f.type not in ("ORG", "GPE", "LOC", "NORP"):
            continue
        match = ACRONYM_AFTER.match(article.paragraph_text(f.paragraph)[f.end :])
        if match:
            defined.setdefault(match.group(1), i)
    orgs = [(i, f) for i, f in enumerate(mentions.items) if f.type == "ORG"]
    for i, f in orgs:
        words = f.text.split()
        initials = "".join(w[0] for w in words if w[:1].isupper())
        if len(initials) >= 2 and initials not in defined:
            defined[initials] = i
    for acronym, owner in defined.items():
        for i, f in enumerate(mentions.items):
            if f.text == acronym and i != owner:
                f.type = mentions.items[owner].type
                mentions.union(i, owner)
        _scan(article, mentions, acronym, owner, case_sensitive=True)


def _scan(article: Article, mentions: Mentions, name: str, owner: int, case_sensitive: bool) -> None:
    """Add the untagged occurrences of ``name`` in the parsed paragraphs as mentions of ``owner``."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", 0 if case_sensitive else re.IGNORECASE)
    for paragraph in sorted(article.docs):
        text = article.paragraph_text(paragraph)
        for match in pattern.finditer(text):
            if not mentions.covers(paragraph, match.start(), match.end()):
                type_ = mentions.items[owner].type
                i = mentions.add(Found(paragraph, match.start(), match.end(), match.group(), type_))
                mentions.union(i, owner)


def _merge_alias_cues(article: Article, mentions: Mentions, bindings: dict[str, set[int]]) -> None:
    """ "X, known as / nicknamed / alias Y" and "X, who ... is Y" make Y another name of X; a role
    ("the leader of the formation, identified ... as Y") binds the role to Y."""
    by_paragraph: dict[int, list[int]] = {}
    for i, f in enumerate(mentions.items):
        by_paragraph.setdefault(f.paragraph, []).append(i)
    for paragraph, indexes in by_paragraph.items():
        text = article.paragraph_text(paragraph)
        doc = article.docs.get(paragraph)
        indexes.sort(key=lambda i: mentions.items[i].start)
        for position, i in enumerate(indexes):
            f = mentions.items[i]
            sentence_start = _sentence_start(doc, f.start)
            before = text[sentence_start : f.start]
            cue = ALIAS_CUE.search(before)
            if cue is not None:
                f.alias = True
                earlier = [
                    j
                    for j in indexes[:position]
                    if mentions.items[j].type == f.type
                    and mentions.items[j].end <= sentence_start + cue.start()
                    and mentions.items[j].start >= sentence_start
                ]
                if earlier:
                    mentions.union(earlier[-1], i)
                else:
                    role = ROLE_BEFORE_ANYWHERE.search(before[: cue.start()])
                    if role and f.type == "PERSON":
                        bindings.setdefault(ROLES[role.group(1).lower()], set()).add(i)
            if f.type == "PERSON":
                for j in indexes[position + 1 :]:
                    g = mentions.items[j]
                    if g.type == "PERSON" and WHO_IS.match(text[f.end : g.start]):
                        mentions.union(i, j)
                        break


ROLE_BEFORE_ANYWHERE = re.compile(rf"\b[Tt]he\s+(?:[A-Za-z-]+\s+){{0,3}}?({_ROLE})\b(?!.*\b[Tt]he\s+(?:{_ROLE})\b)")


def _sentence_start(doc, char: int) -> int:
    if doc is None:
        return 0
    for sent in doc.sents:
        if sent.start_char <= char < sent.end_char + 1:
            return sent.start_char
    return 0


def _roles(article: Article, mentions: Mentions, bindings: dict[str, set[int]]) -> None:
    """Bind roles to people ("the regional governor Vyacheslav Gladkov"), then make each role
    reference ("the governor") a mention of the one person bound to that role."""
    for i, f in enumerate(list(mentions.items)):
        if f.type != "PERSON":
            continue
        before = article.paragraph_text(f.paragraph)[max(0, f.start - 60) : f.start]
        match = ROLE_BEFORE_NAME.search(before)
        if match:
            bindings.setdefault(ROLES[match.group(1).lower()], set()).add(i)
    people = {role: {mentions.find(i) for i in found} for role, found in bindings.items()}
    for paragraph in sorted(article.docs):
        text = article.paragraph_text(paragraph)
        for match in ROLE_REFERENCE.finditer(text):
            role = ROLES[match.group("role").lower()]
            owners = people.get(role, set())
            if len(owners) != 1 or OTHER.search(match.group()):
                continue
            rest = text[match.end() :]
            # a name follows (a binding, not a reference), a plural, or another organisation named
            if re.match(r"^(?:\s*[A-Z][a-z]|s\b|\s+of\s+(?:the\s+)?[A-Z])", rest):
                continue
            if mentions.covers(paragraph, match.start(), match.end()) and not _only_acronym_inside(
                mentions, paragraph, match
            ):
                continue
            owner = next(iter(owners))
            i = mentions.add(Found(paragraph, match.start(), match.end(), match.group(), "PERSON", role=True))
            mentions.union(i, owner)


def _only_acronym_inside(mentions: Mentions, paragraph: int, match) -> bool:
    """True when the mentions inside a role phrase are organisation names ("the CVR commander")."""
    inside = [f for f in mentions.items if f.paragraph == paragraph and f.start < match.end() and match.start() < f.end]
    return all(f.type != "PERSON" and f.start >= match.start() and f.end <= match.end() for f in inside)


def _lowercase_places(article: Article, mentions: Mentions) -> None:
    """Place names written in lower case ("kyiv"), which the model does not tag: a name the
    article also writes capitalised, or a big place whose name is not a common word."""
    named = {key(f.text): i for i, f in enumerate(mentions.items) if f.type in PLACE}
    gazetteer = _gazetteer()
    for paragraph in sorted(article.docs):
        for token in article.docs[paragraph]:
            if not token.is_lower or not token.is_alpha or len(token) < 4 or token.is_stop:
                continue
            if mentions.covers(paragraph, token.idx, token.idx + len(token)):
                continue
            owner = named.get(token.lower_)
            if owner is None:
                if _unigrams().get(token.lower_, 0) >= COMMON_NAME:
                    continue
                if not any(
                    c.is_area or c.population >= LOWERCASE_PLACE_POPULATION for c in gazetteer.candidates(token.text)
                ):
                    continue
            i = mentions.add(Found(paragraph, token.idx, token.idx + len(token), token.text, "GPE"))
            if owner is not None:
                mentions.union(i, owner)
            else:
                named[token.lower_] = i


def _case_variants(article: Article, mentions: Mentions) -> None:
    """Occurrences of a found name in another case ("BELGOROD", "belgorod") that the model missed."""
    for root, indexes in mentions.groups().items():
        names = {mentions.items[i].text for i in indexes if not mentions.items[i].role}
        for name in sorted(names, key=lambda n: (-len(n), n)):  # a full name claims its words before a part of it
            if len(name) >= 4 and _unigrams().get(name.lower(), 0) < COMMON_NAME and not name.isupper():
                _scan(article, mentions, name, root, case_sensitive=False)


def canonical_name(found: list[Found], type_: str) -> str:
    """The longest full name among a group's mentions (not a role phrase, not a name given as an
    alias); for places the gazetteer's main name when the article writes one of its names."""
    names = [f.text for f in found if not f.role] or [f.text for f in found]
    proper = [f.text for f in found if not f.role and not f.alias and any(c.isupper() for c in f.text)]
    aliases = {key(f.text) for f in found if f.alias}
    proper = [n for n in proper if not any(a.endswith(key(n)) for a in aliases)] or proper
    if type_ in PLACE:
        written = {key(n) for n in names}
        for name in names:
            candidates = _gazetteer().candidates(name)
            # the gazetteer's name replaces the article's when it is the same name or the place is big
            # enough for its alternate names to be trusted ("Kiev" → "Kyiv"; not "EFE" → "Efeköy") — unless a
            # town has the article's name as its own: "Canton" stays Canton (US towns) rather than Guangzhou's old
            # name; the places step still chooses among all of them by the article's context
            if candidates and (key(candidates[0].name) in written or candidates[0].is_area):
                return candidates[0].name
            own = next((c for c in candidates if key(c.name) in written and not c.is_area), None)
            if own is not None:
                return own.name
            if candidates and candidates[0].population >= LOWERCASE_PLACE_POPULATION:
                return candidates[0].name
    pool = proper or names
    counts = Counter(pool)
    return max(pool, key=lambda n: (len(n.split()), counts[n], len(n), n))


def entities_of(article: Article) -> list[Entity]:
    """The article's entities, from its spaCy docs."""
    mentions = Mentions()
    _collect(article, mentions)
    _municipal_places(article, mentions)
    _leading_places(article, mentions)
    _datelines(article, mentions)
    _untagged_places(article, mentions)
    _city_state_pairs(article, mentions)
    _mistagged_places(article, mentions)
    _listed_places(article, mentions)
    _facilities(article, mentions)
    _places_by_form(article, mentions)
    _place_spans(article, mentions)
    _vote_types(mentions)
    _merge_same_names(mentions)
    _merge_surnames(mentions)
    _merge_acronyms(article, mentions)
    bindings: dict[str, set[int]] = {}
    _merge_alias_cues(article, mentions, bindings)
    _lowercase_places(article, mentions)
    _case_variants(article, mentions)
    _roles(article, mentions, bindings)
    entities: dict[str, Entity] = {}
    for indexes in mentions.groups().values():
        found = [mentions.items[i] for i in indexes]
        if any(f.type == "" for f in found):
            continue
        type_ = (
            Counter(f.type for f in found if not f.role).most_common(1)[0][0]
            if any(not f.role for f in found)
            else "PERSON"
        )
        name = canonical_name(found, type_)
        eid = entity_id(type_, name)
        entity = entities.setdefault(eid, Entity(id=eid, name=name, type=type_))
        for f in sorted(found, key=lambda f: (f.paragraph, f.start)):
            entity.mentions.append(Mention(Span(f.paragraph, f.start, f.end), f.text))
            if not f.role and f.text != name and key(f.text) != key(name) and f.text not in entity.aliases:
                entity.aliases.append(f.text)
    for entity in entities.values():
        entity.mentions.sort(key=lambda m: (m.span.paragraph, m.span.start))
    return sorted(entities.values(), key=lambda e: (e.mentions[0].span.paragraph, e.mentions[0].span.start))


@step("entities", requires=("docs",), assigns=("entities",), language_specific=True)
def make_entities(config, desk):
    """People, organisations, places and groups, with aliases, acronyms and role references merged."""

    def entities(article: Article) -> None:
        article.entities = entities_of(article)

    return entities


def entity_at(article: Article, span: Span) -> Entity | None:
    """The entity with a mention overlapping ``span`` (the largest overlap; a name before a role phrase)."""
    best, best_score = None, (0, 0)
    for entity in article.entities:
        for mention in entity.mentions:
            m = mention.span
            if m.paragraph != span.paragraph:
                continue
            overlap = min(m.end, span.end) - max(m.start, span.start)
            if overlap <= 0 and not (m.start == m.end == span.start):
                continue
            score = (overlap, -(m.end - m.start))
            if score > best_score:
                best, best_score = entity, score
    return best


def resolve_desk(articles: list[Article]) -> dict[str, str]:
    """Entity id → the id of the desk-wide entity it belongs to.

    The same canonical name is the same entity everywhere (ids are derived from it). Within one
    story (an article without a story is its own), a name or alias one entity shares with
    another — a surname, an acronym, a nickname — merges them, as does a single-word name that
    ends another's full name. The merged entity takes the id of its longest, most mentioned name.
    """
    components = Components()
    find, union = components.find, components.join

    info: dict[str, tuple[str, str, int]] = {}  # id -> (name, type, mentions)
    by_story: dict[str, list[Entity]] = {}
    for article in articles:
        for entity in article.entities:
            find(entity.id)
            name, type_, count = info.get(entity.id, (entity.name, entity.type, 0))
            info[entity.id] = (name, type_, count + len(entity.mentions))
            by_story.setdefault(article.story or f"article:{article.id}", []).append(entity)
    for entities in by_story.values():
        names: dict[tuple[str, str], str] = {}
        for entity in entities:
            group = "place" if entity.type in PLACE else entity.type
            for name in [entity.name, *entity.aliases]:
                k = (group, key(name))
                if k in names:
                    union(names[k], entity.id)
                else:
                    names[k] = entity.id
        # the small model types one organisation a person in one sentence ("the state Civil Defense said"): a person
        # of several words named exactly like an organisation of the story is that organisation
        organisations = {key(e.name): e.id for e in entities if e.type == "ORG" and " " in key(e.name)}
        for entity in entities:
            if entity.type == "PERSON" and key(entity.name) in organisations:
                union(entity.id, organisations[key(entity.name)])
        people = [(e, key(e.name).split()) for e in entities if e.type == "PERSON"]
        for entity, words in people:
            longer = {find(o.id) for o, theirs in people if len(theirs) > len(words) and theirs[-len(words) :] == words}
            if len(longer) == 1:
                union(entity.id, longer.pop())
    out: dict[str, str] = {}
    for members in components.groups().values():
        best = max(members, key=lambda m: (len(info[m][0].split()), info[m][2], info[m][0]))
        for member in members:
            out[member] = best
    return out
