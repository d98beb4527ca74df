"""Claims of one story that are about the same proposition.

A :class:`Report` is one claim as printed in one article, with what the
reconciliation needs next to it: the figures it states, its content words,
the entities it names and a key for who says it. :func:`proposition_groups`
joins reports that are about the same thing: the same text re-printed, the
same kind of casualty figure about overlapping content, or a denial of what
another report asserts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from .. import outlets
from ..components import Components
from ..model import Article, Claim, Quantity

CASUALTY_KINDS = ("killed", "injured")
DISPUTED_KINDS = (*CASUALTY_KINDS, "detained")  # figures whose disagreement is a contradiction
COUNTED_KINDS = ("killed", "injured", "missing", "displaced", "evacuated", "detained")

# Function words and reporting verbs: they say nothing about the proposition.
STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are as at be been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers him his how
i if in into is it its itself just me more most my no nor not now of off on once only or other our out over own same
she should so some such than that the their them then there these they this those through to too under until up
very was we were what when where which while who whom why will with would you your said says say told according
near towards toward across around within without since among amid along behind beyond upon onto via despite
still yet even however already almost
stated declared claimed added reported announced assured denied deny denies
one two three four five six seven eight nine ten dozen dozens hundred hundreds
""".split()
)

WORD = re.compile(r"[a-z0-9]+")


def content_words(text: str) -> frozenset[str]:
    """Lower-cased words of ``text`` without function words; plural ``-s`` folded so "drone" meets "drones"."""
    words = set()
    for word in WORD.findall(text.lower()):
        if len(word) < 3 or word in STOPWORDS:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


def overlap(a: frozenset, b: frozenset) -> float:
    """Overlap coefficient: shared items over the smaller set (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def speaker_key(claim: Claim, entity_of: dict[str, str]) -> str | None:
    """Who says it: the desk-wide entity of the speaker, else the speaker's words without articles."""
    if claim.speaker:
        return "entity:" + entity_of.get(claim.speaker, claim.speaker)
    if claim.speaker_text:
        words = [w for w in WORD.findall(claim.speaker_text.lower()) if w not in ("the", "a", "an")]
        return "text:" + " ".join(words) if words else None
    return None


def outlet_key(article: Article) -> str:
    """Who stands behind an article's own reporting: its outlet, else the unknown outlet (one for all articles of
    no known outlet; a wire credit names a source it used, not its outlet)."""
    return "outlet:" + outlets.outlet_label(article.source, article.url)


def inside(span, container) -> bool:
    return span.paragraph == container.paragraph and container.start <= span.start and span.end <= container.end


@dataclass(eq=False)
class Report:
    """One claim as printed in one article of the story."""

    article: Article
    order: int  # position of the article in the story (publication, then arrival order)
    claim: Claim
    figures: list[Quantity] = field(default_factory=list)
    words: frozenset = frozenset()
    entities: frozenset = frozenset()
    speaker: str | None = None
    side: frozenset = frozenset()  # organisations and groups named in the speaker's words ("M23 spokesman X": M23)

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def denies(self) -> bool:
        return self.claim.polarity == "deny"

    @property
    def source(self) -> str:
        """Who stands behind the claim: its speaker, else the outlet that prints it."""
        return self.speaker or outlet_key(self.article)

    def figures_of(self, kind: str) -> list[Quantity]:
        return [q for q in self.figures if q.kind == kind]

    def kinds(self) -> set[str]:
        return {q.kind for q in self.figures if q.kind in COUNTED_KINDS}


def story_order(articles: list[Article]) -> list[Article]:
    """Articles by publication date, arrival order breaking ties and standing in for a missing date."""
    indexed = list(enumerate(articles))
    dated = [p for _, a in indexed if (p := a.published)]
    fallback = max(dated) if dated else ""
    return [a for _, a in sorted(indexed, key=lambda item: (item[1].published or fallback, item[0]))]


# A figure the claim itself sets aside for its own: "ten detained, not six as first reported", "15 dead, up from
# 12", "2,400 in shelters, down from more than 3,000".
SUPERSEDED = re.compile(
    r"\b(?:not|rather than|instead of|up from|down from|revised from|corrected from)\s+"
    r"(?:the\s+)?(?:(?:about|around|some|nearly|almost|more than|over|at least)\s+)?$",
    re.I,
)


def claim_figures(article: Article, claim: Claim, denials: frozenset[str]) -> list[Quantity]:
    """Quantities the claim states: linked to it, or inside its content (also when a nested claim took them:
    "X denied that dozens were killed, as Y claims" states the figure it denies), but for a nested denial inside
    an assertion ("according to Y, X denied that dozens were killed" is Y reporting X's denial, not Y's figure:
    ``denials`` holds the ids of the article's denials) and for a figure the claim sets aside ("ten detained, not
    six as first reported")."""
    content = claim.content_span or claim.span
    linked = article.grouped(article.quantities, claim_of).get(claim.id, ())
    # the figures of its paragraph, unless one linked to it lies elsewhere (then all, in article order)
    nearby = (
        article.grouped(article.quantities).get(content.paragraph, [])
        if all(q.span.paragraph == content.paragraph for q in linked)
        else article.quantities
    )
    return [
        q
        for q in nearby
        if (q.claim == claim.id or inside(q.span, content) and not (q.claim in denials and claim.polarity != "deny"))
        and not superseded(article, q)
    ]


def claim_of(quantity: Quantity) -> str | None:
    return quantity.claim


def superseded(article: Article, quantity: Quantity) -> bool:
    """Whether the text sets ``quantity`` aside for another figure ("not six as first reported")."""
    text = article.paragraph_text(quantity.span.paragraph)
    return bool(SUPERSEDED.search(text[max(0, quantity.span.start - 40) : quantity.span.start]))


def claim_entities(article: Article, claim: Claim, entity_of: dict[str, str]) -> frozenset[str]:
    return frozenset(
        entity_of.get(e.id, e.id) for e, m in article.mentions_at(claim.span.paragraph) if inside(m.span, claim.span)
    )


def speaker_side(article: Article, claim: Claim, entity_of: dict[str, str]) -> frozenset[str]:
    """The organisations, groups and nationalities named in the speaker's words: "M23 spokesman Lawrence Kanyuka"
    and "the M23 rebel group" speak for one side; "the Russian army" and "Ukrainian officials" do not."""
    span = claim.speaker_span
    if span is None:
        return frozenset()
    return frozenset(
        entity_of.get(e.id, e.id)
        for e, m in article.mentions_at(span.paragraph)
        if e.type in ("ORG", "NORP", "GPE") and inside(m.span, span)
    )


# "did not say whether", "declined to say", "would never confirm": the claims step keeps these attributions (the
# PolNeAR annotation counts them), but no statement was made: reconciliation reads no proposition in them.
UNSPOKEN = re.compile(r"\b(?:not|never|declined|refused)\b|n't\b", re.I)
# "who asked not to be named", "urged residents to stay indoors": a request, not a proposition.
REQUEST = re.compile(r"(?:not\s+)?to\s+\w+", re.I)


def stated(claim: Claim) -> bool:
    """Whether the claim states something: its cue makes a statement (not "did not say", "declined to say") and its
    content is not a request ("asked not to be named")."""
    return not UNSPOKEN.search(claim.cue or "") and not REQUEST.match(claim.content.strip())


def reports(articles: list[Article], entity_of: dict[str, str]) -> list[Report]:
    """Every claim of the story's articles that states something (not "X did not say whether ..."), in story
    order."""
    found = []
    for order, article in enumerate(story_order(articles)):
        denials = frozenset(c.id for c in article.claims if c.polarity == "deny")
        for claim in filter(stated, article.claims):
            found.append(
                Report(
                    article=article,
                    order=order,
                    claim=claim,
                    figures=claim_figures(article, claim, denials),
                    words=content_words(claim.content),
                    entities=claim_entities(article, claim, entity_of),
                    speaker=speaker_key(claim, entity_of),
                    side=speaker_side(article, claim, entity_of),
                )
            )
    return found


OPEN_ENDED = re.compile(r"\b(more|over|at least|above|upwards|dozens|hundreds|scores|thousands)\b", re.I)


def value_range(quantity: Quantity) -> tuple[float, float]:
    """(low, high) of a figure: "more than 70" is (71, inf); a plain "5" is (5, 5); "fewer than 10" (0, 9)."""
    low = quantity.min if quantity.min is not None else 0.0
    if quantity.max is not None:
        return low, quantity.max
    if quantity.min is not None and OPEN_ENDED.search(quantity.text):
        return low, float("inf")
    return low, low


def ranges_overlap(a: Quantity, b: Quantity) -> bool:
    a_low, a_high = value_range(a)
    b_low, b_high = value_range(b)
    return a_low <= b_high and b_low <= a_high


def same_proposition(a: Report, b: Report, config: dict) -> bool:
    """Whether two reports are about the same thing (see docs/reconcile.md for the rules and thresholds)."""
    if jaccard(a.words, b.words) >= config.get("same_text", 0.6):
        return True
    shared_kinds = a.kinds() & b.kinds() & set(DISPUTED_KINDS)
    topical = overlap(a.words, b.words) >= config.get("same_topic", 0.2) or bool(a.entities & b.entities)
    if shared_kinds:
        if a.denies != b.denies:  # a denial of a figure answers any report of that kind whose range it meets
            return (
                any(ranges_overlap(x, y) for k in shared_kinds for x in a.figures_of(k) for y in b.figures_of(k))
                or topical
            )
        return topical
    if a.denies != b.denies:  # two shared words at least: short fragments overlap by chance
        return len(a.words & b.words) >= 2 and overlap(a.words, b.words) >= config.get("denial_topic", 0.4)
    return overlap(a.words, b.words) >= config.get("same_claim", 0.5) and bool(a.entities & b.entities)


def proposition_groups(found: list[Report], config: dict) -> list[list[Report]]:
    """Reports joined transitively by :func:`same_proposition`, each group in story order.

    Only pairs that can meet are compared: reports that read the same (a claim re-printed) are compared once,
    and the others only with reports sharing a key that each rule of :func:`same_proposition` needs two reports
    to share (:func:`_keys`), and not with reports already in their group. A word all reports use is no key on
    its own, so a story's claims are not compared pair by pair.
    """
    components = Components(range(len(found)))
    members: dict[int, set[int]] = {}  # group leader → its reports
    readings: dict[tuple, int] = {}  # what same_proposition reads of a report → the first report reading so
    postings: dict[tuple, list[int]] = {}
    everything = min(config.get(k, 1) for k in ("same_text", "same_topic", "denial_topic", "same_claim")) <= 0
    frequency = Counter(word for report in found for word in report.words)
    rarest_first = {word: (n, word) for word, n in frequency.items()}

    def join(i: int, j: int) -> None:
        a, b = members.pop(components.find(i), {i}), members.pop(components.find(j), {j})
        components.join(i, j)
        members[components.find(i)] = a | b if len(a) >= len(b) else b | a

    for i, report in enumerate(found):
        first = readings.get(reading := _reading(report))
        if first is not None:  # meets whatever its first reading meets
            join(first, i)
            continue
        if same_proposition(report, report, config):  # else (no words) it meets nothing as itself either
            readings[reading] = i
        words = sorted(report.words, key=rarest_first.__getitem__)
        posted, probes = _keys(report, words, config)
        pending = set(range(i)) if everything else set().union(*(postings.get(key, ()) for key in probes))
        while pending:
            j = pending.pop()
            if same_proposition(found[j], report, config):
                pending -= members.get(components.find(j), set())  # the group it joins is compared no further
                join(i, j)
        for key in posted:
            postings.setdefault(key, []).append(i)
    return [[found[i] for i in members] for members in components.groups().values()]


def _keys(report: Report, words: list[str], config: dict) -> tuple[list[tuple], list[tuple]]:
    """The keys a report is posted under and those it looks up: two reports that :func:`same_proposition` joins
    share one, by the rule that joins them (``words``: the report's words, rarest in the story first).

    - same text (Jaccard >= t): a shared word among the rarest ``n - ceil(t n) + 1`` of each (prefix filtering:
      a pair sharing ``c`` words shares one among the first ``n - c + 1`` of each in any one order);
    - a disputed kind of figure across a denial: the kind;
    - a disputed kind on the same side: the kind with a shared word or entity;
    - a denial's topic (two shared words at least): a word among all but the commonest of each;
    - the same claim (shared words and an entity): an entity with a word.
    """
    denies = report.denies
    kinds = sorted(report.kinds() & set(DISPUTED_KINDS))
    needed = math.ceil(config.get("same_text", 0.6) * len(words) - 1e-9)  # the float product may overshoot
    both = [("text", w) for w in words[: len(words) - max(needed, 0) + 1]]
    both += [("kind-word", k, denies, w) for k in kinds for w in words]
    both += [("kind-entity", k, denies, e) for k in kinds for e in report.entities]
    both += [("claim", e, w, denies) for e in report.entities for w in words]
    posted = both + [("denial", k, denies) for k in kinds] + [("topic", w, denies) for w in words[:-1]]
    probes = both + [("denial", k, not denies) for k in kinds] + [("topic", w, not denies) for w in words[:-1]]
    return posted, probes


def _reading(report: Report) -> tuple:
    """What :func:`same_proposition` reads of a report: two reports reading alike meet the same others."""
    return (
        report.words,
        report.entities,
        report.denies,
        frozenset(report.kinds()),
        *(tuple(sorted(value_range(q) for q in report.figures_of(k))) for k in DISPUTED_KINDS),
    )


def group_id(story_id: str, group: list[Report]) -> str:
    from ..model import stable_id

    return stable_id(story_id, *sorted(r.id for r in group))
