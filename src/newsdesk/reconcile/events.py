"""ACLED-like events of a story: type, date, places, actors, fatalities and injured, with the claims behind them.

Every sentence of the story's content that names a kind of violence (by
general cue words) or states a casualty figure is an *event unit*. Units of
the same event type at the same place join one event; a unit without a place
takes its paragraph's, then its article's first; a unit without a type (a
figure alone) joins the event its article was last talking about.

Figures follow ACLED's rules: a source's latest figure supersedes its earlier
ones; figures are never summed across reports; when sources disagree the
event keeps the lowest credible figure as ``min`` (conservative), the
highest as ``max`` and is marked ``disputed`` — unless the higher figure
comes from a later day than every lower one (a toll that rose), which is an
update. A vague figure ("more than 70") keeps its lower bound.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from .. import config as config_module
from .. import vocabulary
from ..extract import gazetteer
from ..profiles import Profile
from ..model import TITLE, Article, Claim, Contradiction, DateMention, Event, Place, Quantity, stable_id
from .matching import CASUALTY_KINDS, inside, outlet_key, speaker_key, story_order, superseded, value_range
from .place_context import (
    AREAS,
    SETTLEMENT_SIZE,
    PlaceSettings,
    StoryPlaces,
    event_location,
    first_place,
    in_span,
    located_places,
    ordered_places,
    places_in,
)
from .sentences import sentences

# (ACLED event type, sub-event type, cue words), most specific first: a sentence takes the first that matches.
# The words are general vocabulary of conflict, disaster and crime reporting, kept as data (vocabulary.toml).
EVENT_TYPES: list[tuple[str, str, re.Pattern]] = vocabulary.event_types()
OTHER = ("Strategic developments", "Other")
# "A crash killed two", "floods killed 12": a death by an accident or a disaster is no attack. A sentence whose
# only violence cue is "kill" is the disaster's when it names one, and has no event type (a figure alone) when it
# names an accident.
KILL_ONLY = re.compile(r"\bkill(?:s|ed|ing|ings)?\b", re.I)
ACCIDENT = vocabulary.words(vocabulary.load()["accidents"]["words"])
# "did not say whether anyone had been killed", "no one was killed": a killing not reported.
UNSAID = re.compile(r"\b(?:no one|nobody|none|whether|if any)\b", re.I)


DISASTERS = "Disasters"


def event_type(text: str) -> tuple[str, str] | None:
    for kind, sub, cue in EVENT_TYPES:
        found = cue.findall(text)
        if not found:
            continue
        if sub == "Attack" and all(KILL_ONLY.fullmatch(w) for w in found):  # "killed" alone: by whom or what?
            disaster = next(((k, s) for k, s, c in EVENT_TYPES if k == DISASTERS and c.search(text)), None)
            if disaster or ACCIDENT.search(text) or UNSAID.search(text):
                return disaster
        return kind, sub
    return None


@dataclass(eq=False)
class Unit:
    """One sentence of one article that speaks of an event."""

    article: Article
    order: int
    paragraph: int
    start: int
    end: int
    type: tuple[str, str] | None
    figures: list[Quantity]
    places: list[str]  # desk entity ids, best first
    dates: list[DateMention]
    claims: list[Claim]
    actors: list[Actor]


@dataclass(eq=False)
class Draft:
    type: tuple[str, str]
    place: str | None
    units: list[Unit] = field(default_factory=list)
    named: bool = False  # whether a sentence or paragraph of it names its place (not only its article's first)


# A sentence that says when or where "it" happened speaks of the event its article is talking about.
OCCURRED = re.compile(r"\b(happened|occurred|took place|incident)\b", re.I)


def units(articles: list[Article], entity_of: dict[str, str]) -> list[Unit]:
    """Event units of the story's articles, in story order."""
    found = []
    for order, article in enumerate(story_order(articles)):
        if not article.supported:
            continue  # an article no pipeline reads: English cue words would type its sentences wrongly
        casualties = [q for q in article.quantities if q.kind in CASUALTY_KINDS and not superseded(article, q)]
        texts = [(TITLE, article.title)] + [(p.index, p.text) for p in article.content_paragraphs()]
        for index, paragraph_text in texts:
            here = article.grouped(casualties).get(index, [])
            for start, end in sentences(paragraph_text):
                text = paragraph_text[start:end]
                figures = [q for q in here if in_span(q.span, index, start, end)]
                kind = event_type(text)
                if kind is None and not figures and not OCCURRED.search(text):
                    continue
                places = places_in(article, index, start, end, entity_of)
                found.append(
                    Unit(
                        article=article,
                        order=order,
                        paragraph=index,
                        start=start,
                        end=end,
                        type=kind,
                        figures=figures,
                        places=places,
                        dates=[
                            d
                            for d in article.grouped(article.dates).get(index, ())
                            if d.value and in_span(d.span, index, start, end)
                        ],
                        claims=[
                            c
                            for c in article.grouped(article.claims).get(index, ())
                            if c.span.start < end and start < c.span.end
                        ],
                        actors=_actors(article, index, start, end, entity_of),
                    )
                )
    return found


@dataclass(frozen=True)
class Actor:
    """One side's actor as a sentence names it: a desk entity id, or a state's force the text names by its
    demonym ("Military Forces of Russia"); ``side`` 1 acted, 2 was acted against, 0 only spoke (a claim's
    speaker: a source, not a side by that sentence)."""

    key: str
    side: int
    state: str | None = None  # the country of a state's force: its army and its police are one side


ACTORS = vocabulary.load()["actors"]
# the hostility or alliance word right before a name ("opposed to the Kremlin", "aligned with the army")
AGAINST = re.compile(rf"\b(?:{vocabulary.joined(ACTORS['against'])})\s+(?:the\s+)?$", re.I)
ALLIED = re.compile(rf"\b(?:{vocabulary.joined(ACTORS['allied'])})\s+(?:the\s+)?$", re.I)
RESPONDING = re.compile(rf"^(?:\s+[\w-]+){{0,2}}?\s+(?:{ACTORS['responding']})\b", re.I)
FORCES = [(name, re.compile(rf"^\s+(?:{words})\b", re.I)) for name, words in ACTORS["forces"].items()]
FORCE_WORDS = re.compile(rf"^\s+(?:{'|'.join(ACTORS['forces'].values())})\b", re.I)
BEFORE = 40  # characters before a name read for a word of hostility or alliance


def _actors(article: Article, paragraph: int, start: int, end: int, entity_of: dict[str, str]) -> list[Actor]:
    """The sides named between ``start`` and ``end``, once per actor (its first mention decides its side), in
    entity order: organisations and states' forces, not nationalities ("Russian", "Ukrainian": raiders of one
    nationality may fight their own state), nor an organisation named in a denial of taking part or as an ally
    ("aligned with the army": a claimed association is no participation)."""
    claims = article.grouped(article.claims).get(paragraph, ())
    denials = [c.span for c in claims if c.polarity == "deny"]
    speakers = [c.speaker_span for c in claims if c.speaker_span is not None]
    text = article.paragraph_text(paragraph)
    found: dict[str, Actor] = {}
    for entity, mention in article.mentions_at(paragraph):
        if not in_span(mention.span, paragraph, start, end) or any(inside(mention.span, d) for d in denials):
            continue
        state, force = None, None
        if entity.type == "ORG":
            key = entity_of.get(entity.id, entity.id)
        elif entity.type == "NORP" and (force := _force(entity.name, text[mention.span.end : mention.span.end + 30])):
            key, state = force
        else:
            continue
        before = text[max(start, mention.span.start - BEFORE) : mention.span.start]
        after = text[mention.span.end : min(end, mention.span.end + BEFORE)]
        if force is not None and (words := FORCE_WORDS.match(after)):
            after = after[words.end() :]  # "Russian| security forces| reacted"
        if AGAINST.search(before) or RESPONDING.match(after):
            side = 2
        elif ALLIED.search(before):
            continue
        else:
            side = 0 if any(inside(mention.span, s) for s in speakers) else 1
        found.setdefault(key, Actor(key, side, state))
    return list(found.values())


SIDE_ORDER = (1, 2, 0)  # the acting side, the side acted against, sources
MAX_ACTORS = 4


def _force(demonym: str, after: str) -> tuple[str, str] | None:
    """ "Russian" before "army" → ("Military Forces of Russia", "RU") (the demonym's country), else None."""
    for name, words in FORCES:
        if words.match(after):
            places = gazetteer.load()
            iso = places.demonyms.get(gazetteer.key(demonym)) or places.demonyms.get(gazetteer.key(demonym).rstrip("s"))
            country = places.countries.get(iso) if iso else None
            return (name.format(country=country.name), iso) if country else None
    return None


def sides(found: list[Unit]) -> dict[str, int]:
    """Actor → its side in the event: 2 when its sentences name it as acted against more often than as acting,
    1 when they name it acting, else 0 (only a source). A state's forces count together: "security forces
    reacted" after "fighting against the armed forces" is the same side."""
    votes: dict[str, Counter] = {}
    group: dict[str, str] = {}
    for unit in found:
        for actor in unit.actors:
            group[actor.key] = actor.state or actor.key
            votes.setdefault(group[actor.key], Counter())[actor.side] += 1
    return {key: 2 if n[2] > n[1] else 1 if n[1] else 0 for key, n in ((k, votes[g]) for k, g in group.items())}


def drafts(found: list[Unit], entity_of: dict[str, str]) -> list[Draft]:
    """Units joined into events: same type at the same place; a figure alone joins its article's current event."""
    events: dict[tuple, Draft] = {}
    pending: list[Unit] = []
    current: dict[str, Draft] = {}
    for unit in found:
        article = unit.article
        if unit.type is None:
            if article.id in current:
                current[article.id].units.append(unit)
            else:
                pending.append(unit)
            continue
        own = _located(unit, entity_of) or _paragraph_place(unit, entity_of)
        place = own or first_place(article, entity_of)
        key = (unit.type[0], place)
        draft = events.get(key)
        if draft is None:
            draft = events[key] = Draft(type=unit.type, place=place)
        draft.units.append(unit)
        draft.named |= own is not None
        current[article.id] = draft
    result = []
    for draft in events.values():  # an event of no known place is the story's event of that type, if there is one
        placed = [d for d in events.values() if d.place is not None and d.type[0] == draft.type[0]]
        if draft.place is None and placed:
            max(placed, key=support).units.extend(draft.units)
        else:
            result.append(draft)
    if pending:
        if not result:
            result.append(Draft(type=OTHER, place=None))
        target = max(result, key=support)
        target.units.extend(pending)
    return result


def merged_nearby(found: list[Draft], located: dict[str, Place], nearby_km: float | None = None) -> list[Draft]:
    """Drafts of one type at settlements near each other merged into the one with the most support; a draft
    placed only in a country or a state joins the one at a settlement there ("the rebels were driven back",
    "fighting in Congo": the story's clash at Sake), unless its own sentences name that area and give a figure:
    a state's or a country's toll ("133 homicides in the state this year") is not the event's. Settlements within
    ``nearby_km`` (``[reconcile.places] nearby_km``) are near: reports of one clash name the village or the town
    nearby."""
    nearby_km = PlaceSettings.from_config().nearby_km if nearby_km is None else nearby_km
    result: list[Draft] = []
    for draft in sorted(found, key=support, reverse=True):
        target = next(
            (
                kept
                for kept in result
                if kept.type[0] == draft.type[0]
                and _near(located.get(kept.place), located.get(draft.place), nearby_km)
                or _holds(located.get(draft.place), located.get(kept.place), draft)
                or _holds(located.get(kept.place), located.get(draft.place), kept)
            ),
            None,
        )
        if target is None:
            result.append(draft)
        else:
            target.units.extend(draft.units)
    return result


def merged_at_location(
    found: list[Draft], story: StoryPlaces, entity_of: dict[str, str]
) -> list[tuple[Draft, tuple[list[str], dict[str, Place]]]]:
    """Drafts (most support first) of one type and one location (their first ranked place) joined when at most
    one of them states a casualty figure (a denied one does not count): "the government denied taking part in
    the attack", "the minister promised to respond" speak of the story's clash, whatever place they name. Two
    that state figures stay apart (a civilian killed by shelling beside the fighters a battle killed). Each kept
    draft comes with its ranked places (``ordered_places``), ranked again only when it took in another."""
    ranked = {id(d): ordered_places(d.units, d.place, story) for d in found}
    where = {key: next(iter(places), None) for key, (places, _) in ranked.items()}
    result: list[Draft] = []
    grown = set()
    for draft in found:
        target = next(
            (kept for kept in result if kept.type[0] == draft.type[0] and where[id(kept)] == where[id(draft)]), None
        )
        if target is None or _states_figures(target, entity_of) and _states_figures(draft, entity_of):
            result.append(draft)
        else:
            target.units.extend(draft.units)
            grown.add(id(target))
    return [(d, ordered_places(d.units, d.place, story) if id(d) in grown else ranked[id(d)]) for d in result]


def _states_figures(draft: Draft, entity_of: dict[str, str]) -> bool:
    return any(not f.denies for kind in CASUALTY_KINDS for f in figures(draft, kind, entity_of))


def _near(a: Place | None, b: Place | None, nearby_km: float) -> bool:
    if a is None or b is None or a.lat is None or b.lat is None or a.country != b.country:
        return False
    if AREAS & {a.feature, b.feature}:
        return False  # a region holds many events: only settlements this close are one place
    return gazetteer.distance_km(a.lat, a.lon, b.lat, b.lon) <= nearby_km


def _holds(area: Place | None, town: Place | None, draft: Draft) -> bool:
    """Whether ``draft``, placed in the country or first-level region ``area`` (by its article's first place, or
    by its own sentences without a figure), is an event at the settlement ``town`` reported vaguely."""
    if (
        area is None
        or town is None
        or town.feature not in SETTLEMENT_SIZE
        or area.country != town.country
        or draft.named
        and any(u.figures for u in draft.units)
    ):
        return False
    return area.feature == "country" or area.feature in ("region", "state") and area.admin1 == town.admin1


def _located(unit: Unit, entity_of: dict[str, str]) -> str | None:
    """The unit's most precise place the gazetteer knows: streets and unknown names do not make an event."""
    places = places_in(unit.article, unit.paragraph, unit.start, unit.end, entity_of, located=True)
    return places[0] if places else None


def _paragraph_place(unit: Unit, entity_of: dict[str, str]) -> str | None:
    text = unit.article.paragraph_text(unit.paragraph)
    places = places_in(unit.article, unit.paragraph, 0, len(text), entity_of, located=True)
    return places[0] if places else None


def support(draft: Draft) -> tuple[int, int, int]:
    """How much of the story speaks of an event: articles, figure sentences, sentences."""
    return (len({u.article.id for u in draft.units}), sum(1 for u in draft.units if u.figures), len(draft.units))


# Sentences about what followed the event (charges, court, identification): their dates are mostly not the
# event's (their weight: [reconcile.dates] aftermath_weight).
AFTERMATH = re.compile(
    r"\b(charg\w*|sentenc\w*|arrest\w*|court\w*|trial|plead\w*|pleaded|hearing|arraign\w*|"
    r"indict\w*|convict\w*|jury|judge|funeral|vigil|identified|custody|booked|warrant|guilty|"
    r"prosecutors?|autopsy|ruled|memorial|lawsuit|verdict|released|announced|mourn\w*|buried|burial|"
    r"laid to rest|celebration of life|obituar\w*)\b",
    re.I,
)
# Any other sentence of the story that gives a day and tells what happened to someone ("the boy died Monday",
# "a body was found Sunday", "the gun went off on May 3": no violence cue, or another event's).
INCIDENT = re.compile(
    r"\b(shot|shots|shoot\w*|gun\w*|firearm|weapon|rifle|pistol|revolver|bullets?|fired|fire|"
    r"stabb\w*|kill\w*|died|dies|dead|death|slain|murder\w*|suicide|wounded|wounding|injur\w*|struck|hit|"
    r"bod(?:y|ies)|found|discovered|happened|occurred|took place|incident|discharged|went off|"
    r"responded|robb\w*)\b",
    re.I,
)
# A page's own time stamp ("Posted: Tuesday, April 15, 2014", "Updated: ...") dates the page, not the event.
STAMP = re.compile(r"\b(posted|updated?|published|last modified)\b\W*(on\s+)?$", re.I)


@dataclass(frozen=True)
class DateSettings:
    """The weights of the event's day (``[reconcile.dates]``; each documented there)."""

    typed_weight: float
    kin_weight: float
    other_sentence_weight: float
    aftermath_weight: float
    previous_weight: float
    later_article_weight: float

    @classmethod
    def from_config(cls, section: dict | None = None) -> DateSettings:
        """The shipped ``[reconcile.dates]`` values with ``section`` laid over them."""
        return cls(**{**_shipped_dates(), **(section or {})})


@functools.lru_cache(maxsize=1)
def _shipped_dates() -> dict:
    return config_module.defaults()["reconcile"]["dates"]


def event_date(
    draft: Draft, kin: list[Unit] | tuple = (), story: list[Article] | tuple = (), settings: DateSettings | None = None
) -> str | None:
    """The day the story's sentences give with most weight, else the claims' dates, else the day before the
    first report. The event's own sentences count most; ``kin`` (the story's other sentences about the same
    kind of violence, placed elsewhere: often the jail, court or hospital of the same event) count
    ``kin_weight``; every other sentence of the ``story`` that tells what happened (``INCIDENT``) counts
    ``other_sentence_weight`` (``settings``: the shipped ``[reconcile.dates]`` by default).

    No day more than a day after the story's first report is the event's (the day after allows for a page
    stamped before it went out). A day counts with the days either side of it: reports of one event give
    neighbouring days (a shooting before midnight, a death or an arrest after it), and a lone earlier or later
    day (a court date, a previous shooting) must outweigh them all."""
    s = settings or DateSettings.from_config()
    reports = [a.published for a in [*story, *(u.article for u in draft.units)] if a.published]
    latest = _shift(min(reports), 1) if reports else None
    counts: Counter = Counter()
    own = set(map(id, draft.units))
    dated = [*draft.units, *(u for u in kin if id(u) not in own)]
    for unit in dated:
        text = unit.article.paragraph_text(unit.paragraph)[unit.start : unit.end]
        weight = (s.typed_weight if unit.type else 1) * (1 if id(unit) in own else s.kin_weight)
        _count_days(counts, unit.article, unit.order, unit.dates, text, unit.start, weight, latest, s)
    covered = {(id(u.article), u.paragraph, u.start) for u in dated}
    for order, article in enumerate(story_order(list(story))):
        texts = [(TITLE, article.title)] + [(p.index, p.text) for p in article.content_paragraphs()]
        for index, paragraph_text in texts:
            days = [d for d in article.grouped(article.dates).get(index, ()) if d.granularity == "day" and d.value]
            for start, end in sentences(paragraph_text) if days else ():
                inside = [d for d in days if in_span(d.span, index, start, end)]
                if (
                    inside
                    and (id(article), index, start) not in covered
                    and INCIDENT.search(paragraph_text, start, end)
                ):
                    text = paragraph_text[start:end]
                    _count_days(counts, article, order, inside, text, start, s.other_sentence_weight, latest, s)
    if not counts:
        for unit in draft.units:
            for claim in unit.claims:
                if claim.date:
                    counts[claim.date] += 1
    if counts:
        near = {
            value: n + counts.get(_shift(value, -1), 0) + counts.get(_shift(value, 1), 0) for value, n in counts.items()
        }
        best = max(near.values())
        return min(value for value, n in near.items() if n >= best - 1e-9)
    published = [u.article.published for u in draft.units if u.article.published]
    return _day_before(min(published)) if published else None


def _count_days(
    counts: Counter,
    article: Article,
    order: int,
    mentions: list[DateMention],
    text: str,
    offset: int,
    weight: float,
    latest: str | None,
    settings: DateSettings,
) -> None:
    """Add the days of one sentence (``text``, at ``offset`` of its paragraph) of the ``order``-th article."""
    weight *= settings.later_article_weight**order * (settings.aftermath_weight if AFTERMATH.search(text) else 1)
    for mention in mentions:
        if mention.granularity != "day" or STAMP.search(text[: max(mention.span.start - offset, 0)]):
            continue
        value = mention.value
        if value and article.published and not _before(value, article.published):
            value = _week_before(mention, value, article.published)
        if value and article.published:
            value = _stamp_lag(mention, value, article.published)
        if value is None or (latest is not None and not _before(value, latest)):
            continue
        counts[value] += weight * (settings.previous_weight if mention.anchor == "previous" else 1)


WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)


def _week_before(mention: DateMention, value: str, published: str) -> str | None:
    """A weekday read as the coming one ("police are investigating a shooting Saturday") in a sentence about
    the event is the one before the report; other days after the report are not the event's."""
    if mention.anchor != "published" or not WEEKDAY.search(mention.text):
        return None
    earlier = date.fromisoformat(value[:10]) - timedelta(days=7)
    return earlier.isoformat() if _before(earlier.isoformat(), published) else None


LAST_WEEK = re.compile(r"(?:last|past)\b", re.I)
ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def _stamp_lag(mention: DateMention, value: str, published: str) -> str:
    """A bare weekday six days before the page's stamp ("police said Saturday" on a page stamped Friday) is the
    day after the stamp: pages are often stamped the day before they went out (the day of the event, another
    time zone), and a report names a day a week back by its date or as "last Saturday"."""
    if mention.anchor != "published" or not WEEKDAY.search(mention.text) or LAST_WEEK.match(mention.text):
        return value
    later = _shift(value, 7)
    return later if later and _shift(published, 1) == later else value


def _shift(value: str, days: int) -> str | None:
    """The ISO day ``days`` after ``value`` (None when ``value`` is not a day: a week, a month)."""
    try:
        return (date.fromisoformat(value[:10]) + timedelta(days=days)).isoformat() if ISO_DAY.match(value) else None
    except ValueError:
        return None


def _day_before(published: str) -> str:
    """The day before the first report: news of an event comes out the same day or the next, so that day is
    within a day of both (an event is never after its report)."""
    try:
        return (date.fromisoformat(published[:10]) - timedelta(days=1)).isoformat()
    except ValueError:
        return published


def _before(value: str, published: str) -> bool:
    try:
        return date.fromisoformat(value[:10]) <= date.fromisoformat(published[:10])
    except ValueError:
        return False


@dataclass
class Figure:
    quantity: Quantity
    order: int
    published: str
    source: str
    claim: str | None
    denies: bool


def figures(draft: Draft, kind: str, entity_of: dict[str, str]) -> list[Figure]:
    counted = {u.article.id for u in draft.units for q in u.figures if q.kind == kind and not _one_person(q)}
    found = []
    for unit in draft.units:
        for quantity in unit.figures:
            if quantity.kind != kind or (kind == "injured" and _shot_dead(unit)):
                continue
            if kind == "injured" and unit.article.id in counted and _one_person(quantity):
                # "a 30-year-old man was shot in the knee" is one of the article's count, not a report of it. Not
                # for deaths: the quantities step already counts a named victim once.
                continue
            claim = _claim_of(quantity, unit.claims)
            source = (speaker_key(claim, entity_of) if claim else None) or outlet_key(unit.article)
            found.append(
                Figure(
                    quantity,
                    unit.order,
                    unit.article.published or "",
                    source,
                    claim.id if claim else None,
                    bool(claim and claim.polarity == "deny"),
                )
            )
    return found


def _claim_of(quantity: Quantity, claims: list[Claim]) -> Claim | None:
    """The claim that states a figure: the one the quantities step linked it to, else the innermost holding it
    ("X said, according to Y, that Z denied that dozens were killed": Z's denial, not Y's report)."""
    linked = next((c for c in claims if c.id == quantity.claim), None)
    holding = [c for c in claims if inside(quantity.span, c.span)]
    return linked or min(holding, key=lambda c: c.span.end - c.span.start, default=None)


def _one_person(quantity: Quantity) -> bool:
    """A figure that is a person ("a 14-year-old girl", "Ana Ruiz"), not a count ("one", "five")."""
    return quantity.min == quantity.max == 1 and not re.match(r"(?:one|1)\b", quantity.text, re.I)


def reconcile_figures(found: list[Figure], disputed_claims: set[str]) -> dict:
    """{min, max, disputed, claims} of one kind of figure by ACLED's rules (see the module docstring)."""
    asserted = [f for f in found if not f.denies]
    latest: dict[str, list[Figure]] = {}
    for figure in asserted:  # a source's latest article supersedes its earlier ones
        kept = latest.get(figure.source)
        if kept is None or figure.order > kept[0].order:
            latest[figure.source] = [figure]
        elif figure.order == kept[0].order:
            kept.append(figure)
    per_source = []
    for kept in latest.values():  # within one article the largest figure is the total; never a sum
        per_source.append(max(kept, key=lambda f: value_range(f.quantity)))
    per_source = [f for f in per_source if not _risen_past(f, per_source)]
    claims = sorted({f.claim for f in found if f.claim})
    if not per_source:
        return {"min": None, "max": None, "disputed": bool(found), "claims": claims}
    lows = [value_range(f.quantity)[0] for f in per_source]
    highs = [value_range(f.quantity)[1] for f in per_source]
    disagree = max(lows) > min(highs)
    denied = any(f.denies for f in found) or bool(disputed_claims & set(claims))
    high = max(highs)
    return {
        "min": _number(min(lows)),
        "max": None if high == float("inf") else _number(high),
        "disputed": disagree or denied,
        "claims": claims,
    }


def _risen_past(figure: Figure, others: list[Figure]) -> bool:
    """Whether a later day's higher figure from another source replaces this one (a toll that rose)."""
    low, high = value_range(figure.quantity)
    return any(o.published > figure.published and value_range(o.quantity)[0] > high for o in others if figure.published)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def event_record(
    story_id: str,
    draft: Draft,
    entity_of: dict[str, str],
    disputed_claims: set[str],
    ranked: tuple[list[str], dict[str, Place]],
    kin: list[Unit],
    story: list[Article],
    located: dict[str, Place],
    places: StoryPlaces,
    day_settings: DateSettings,
) -> Event:
    """The event of a draft whose places ``ordered_places`` ranked (``ranked``), in a ``story`` whose place
    context is ``places`` (read with its profile)."""
    profile = places.profile
    mentions = Counter(a.key for u in draft.units for a in u.actors)
    side = sides(draft.units)
    actors = sorted(mentions, key=lambda a: (SIDE_ORDER.index(side[a]), -mentions[a]))[:MAX_ACTORS]
    killed = reconcile_figures(figures(draft, "killed", entity_of), disputed_claims)
    if killed["min"] is None and not killed["disputed"] and any(_reports_a_death(u) for u in draft.units):
        killed["min"] = 1  # a death reported without a count: at least one (ACLED's conservative reading)
    wounded = figures(draft, "injured", entity_of)
    if killed["min"] and all(_one_person(f.quantity) for f in wounded):
        wounded = []  # "a child was shot" in a story of one death: the person shot is the one who died
    injured = reconcile_figures(wounded, disputed_claims)
    if (
        injured["min"] is None
        and not injured["disputed"]
        and not killed["min"]
        and any(_reports_an_injury(u, profile) for u in draft.units)
    ):
        injured["min"] = 1  # someone shot or hurt, no count, nobody dead: at least one injured
    claims = sorted({c.id for u in draft.units for c in u.claims})
    return Event(
        id=stable_id(story_id, draft.type[0], draft.place),
        story=story_id,
        type=draft.type[0],
        sub_type=draft.type[1],
        date=event_date(draft, kin, story, day_settings),
        places=ranked[0],
        location=event_location(draft.units, ranked, story or [u.article for u in draft.units], located, places),
        actors=actors,
        sides={a: side[a] for a in actors},
        fatalities=killed,
        injured={"min": injured["min"], "max": injured["max"], "claims": injured["claims"]},
        claims=claims,
        notes=notes(draft),
    )


DEATH = re.compile(r"\b(fatal(?:ly)?|killed|kills|died|dies|dead|death|slain|murdered|homicide)\b", re.I)
NEGATED = re.compile(r"\b(no one|nobody|none|not|no|non-fatal|nonfatal|survived|avoid\w*|without)\b", re.I)


def _reports_a_death(unit: Unit) -> bool:
    """Whether the unit's sentence says someone died, without a negation ("no one was killed")."""
    text = unit.article.paragraph_text(unit.paragraph)[unit.start : unit.end]
    return bool(DEATH.search(text)) and not NEGATED.search(text)


INJURY = re.compile(r"\b(injur\w*|wound\w*|hurt|hospitali[sz]\w*)\b", re.I)


# Words saying someone was hurt; a profile adds its own ("was shot": hurt in US local news).
HURT = r"injur\w*|wound(?:ed|s)?|hurt|hospitali[sz]\w*"


@functools.lru_cache(maxsize=8)
def _hit(injuries: str) -> re.Pattern:
    return re.compile(rf"\b(?:{injuries + '|' if injuries else ''}{HURT})\b", re.I)


# "not life-threatening" still reports an injury; only these say nobody was hurt.
UNHURT = re.compile(
    r"\b(no one|nobody|none|no injur\w*|not (?:hurt|injured|wounded|struck|hit)|unharmed|uninjured|"
    r"without injur\w*)\b",
    re.I,
)


def _reports_an_injury(unit: Unit, profile: Profile) -> bool:
    """Whether the unit's sentence says someone was hurt (in the words of the story's ``profile``), without a
    negation ("nobody was hurt")."""
    text = unit.article.paragraph_text(unit.paragraph)[unit.start : unit.end]
    return bool(_hit(profile.injuries).search(text)) and not UNHURT.search(text)


def _shot_dead(unit: Unit) -> bool:
    """A sentence that says who was shot and died without naming an injury: its "shot" count is the dead."""
    text = unit.article.paragraph_text(unit.paragraph)[unit.start : unit.end]
    return _reports_a_death(unit) and not INJURY.search(text)


def notes(draft: Draft) -> str:
    """The sentence that tells the event, as ACLED's notes column (a pointer, shortened): the first that no claim
    in it denies ("X denied having taken part in the attack" is a reaction, not the event), states a casualty
    figure, and is of the event's type, in that order of preference."""

    def rank(unit: Unit) -> tuple:
        denied = any(c.polarity == "deny" for c in unit.claims)
        return (denied, not unit.figures, unit.type != draft.type, unit.order, unit.paragraph, unit.start)

    unit = min(draft.units, key=rank)
    text = unit.article.paragraph_text(unit.paragraph)[unit.start : unit.end]
    return text if len(text) <= 200 else text[:197] + "..."


def events(
    story_id: str,
    articles: list[Article],
    entity_of: dict[str, str],
    found_contradictions: list[Contradiction],
    config: dict | None = None,
) -> list[Event]:
    """The story's events, the main one (most articles, then figures) first (``config``: the ``[reconcile]``
    section, whose ``places`` and ``dates`` tables are laid over the shipped ones)."""
    config = config or {}
    settings = PlaceSettings.from_config(config.get("places"))
    day_settings = DateSettings.from_config(config.get("dates"))
    disputed = {c for x in found_contradictions if x.kind == "numeric" and not x.update for c in x.claims}
    located = located_places(articles, entity_of)
    found = merged_nearby(drafts(units(articles, entity_of), entity_of), located, settings.nearby_km)
    ordered = sorted(found, key=support, reverse=True)
    story = StoryPlaces(articles, located, entity_of, settings)
    kept = merged_at_location(ordered, story, entity_of)
    return [
        event_record(
            story_id,
            draft,
            entity_of,
            disputed,
            ranked,
            [u for d, _ in kept if d.type[0] == draft.type[0] for u in d.units],
            articles,
            located,
            story,
            day_settings,
        )
        for draft, ranked in kept
    ]
