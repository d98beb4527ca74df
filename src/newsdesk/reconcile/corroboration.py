"""Independence: how many independent reports stand behind a claim, and how many independent sources a story has.

Two reports count once when one re-uses the other's text (a re-use link
between their paragraphs, the same paragraph text, or an exact duplicate),
when they come from the same outlet (``Article.source``, else the web domain
of ``Article.url``; all articles of no known outlet are the one outlet
"unknown") or when they carry the same wire credit (``Article.credits``).
Everything else counts as independent: that is the difference from event
feeds that count every re-print of a wire story again. Only reports that
agree count: a claim never corroborates its opposite (a denial, another
figure, "defeated" against "continues").
"""

from __future__ import annotations

from ..components import Components
from ..model import Article, Reuse
from ..outlets import outlet_label
from .contradictions import FINISHED, ONGOING
from .matching import CASUALTY_KINDS, Report, ranges_overlap, value_range


def _norm(name: str) -> str:
    return " ".join(name.lower().split())


def same_outlet(a: Article, b: Article) -> bool:
    """Same outlet (the unknown one included) or same wire credit (an agency story printed by two outlets is one
    report)."""
    if outlet_label(a.source, a.url) == outlet_label(b.source, b.url):
        return True
    return bool({_norm(c) for c in a.credits} & {_norm(c) for c in b.credits})


def reused_paragraphs(links: list[Reuse]) -> set[tuple[str, int, str, int]]:
    """Both directions of every re-use link, as (article, paragraph, article, paragraph)."""
    pairs = set()
    for link in links:
        a = (link.a["article"], link.a["paragraph"])
        b = (link.b["article"], link.b["paragraph"])
        pairs.add((*a, *b))
        pairs.add((*b, *a))
    return pairs


def corroborates(a: Report, b: Report) -> bool:
    """Whether ``b`` says the same as ``a``: same polarity, not one saying a fight is over and the other that it
    goes on, and no casualty figure of one kind that disagrees."""
    if a.denies != b.denies or {_status(a), _status(b)} == {"over", "going on"}:
        return False
    for kind in CASUALTY_KINDS:
        mine, theirs = a.figures_of(kind), b.figures_of(kind)
        if mine and theirs and not any(ranges_overlap(x, y) for x in mine for y in theirs):
            return False
    return True


def independent_reports(groups: list[list[Report]], links: list[Reuse]) -> dict[str, int]:
    """Claim id → number of independent reports of what it says (itself included): the groups of dependent
    reports (:func:`independent_count`) among those that corroborate it.

    Linear in the reports for each distinct stance (polarity and casualty figures) of a group: reports that
    state the same are answered together, and dependence is found through shared keys (article, paragraph
    text, outlet, credit) and the re-use links, never by comparing every pair.
    """
    pairs = reused_paragraphs(links)
    counts: dict[str, int] = {}
    for group in groups:
        stances: dict[tuple, list[Report]] = {}
        for report in group:
            stances.setdefault(_stance(report), []).append(report)
        for members in stances.values():
            agreeing = [r for others in stances.values() if corroborates(members[0], others[0]) for r in others]
            if corroborates(members[0], members[0]):  # true unless its own figures are incoherent (min > max)
                n = independent_count(agreeing, pairs)
                counts.update((r.id, n) for r in members)
            else:
                counts.update((r.id, independent_count([r, *agreeing], pairs)) for r in members)
    return counts


def _stance(report: Report) -> tuple:
    """What :func:`corroborates` reads of a report: its polarity and the ranges of its casualty figures."""
    return (
        report.denies,
        _status(report),
        *(tuple(sorted(value_range(q) for q in report.figures_of(k))) for k in CASUALTY_KINDS),
    )


def _status(report: Report) -> str | None:
    """ "over" for a claim that a fight or operation ended ("defeated", "driven back"), "going on" for one that it
    continues (as status contradictions read them), else None."""
    content = report.claim.content
    return "over" if FINISHED.search(content) else "going on" if ONGOING.search(content) else None


def independent_count(reports: list[Report], pairs: set) -> int:
    """The number of groups of dependent reports: two reports depend on each other when they share an article,
    a paragraph text (re-use without a link), an outlet or a wire credit, when one article duplicates the other,
    or when a re-use link joins their paragraphs. Shared keys are joined through the key, so no pair is compared.
    """
    components = Components()
    paragraphs: dict[tuple[str, int], int] = {}
    articles: dict[str, int] = {}
    for i, report in enumerate(reports):
        article, paragraph = report.article, report.claim.span.paragraph
        components.find((0, i))
        keys = [
            ("article", article.id),
            ("text", article.paragraph_text(paragraph)),
            ("outlet", outlet_label(article.source, article.url)),
        ]
        keys.extend(("credit", _norm(c)) for c in article.credits)
        for key in keys:
            components.join((0, i), (1, key))
        paragraphs.setdefault((article.id, paragraph), i)
        articles.setdefault(article.id, i)
    for i, report in enumerate(reports):
        original = articles.get(report.article.duplicate_of)
        if original is not None:
            components.join((0, i), (0, original))
    for a_article, a_paragraph, b_article, b_paragraph in pairs:
        a, b = paragraphs.get((a_article, a_paragraph)), paragraphs.get((b_article, b_paragraph))
        if a is not None and b is not None:
            components.join((0, a), (0, b))
    return components.count((0, i) for i in range(len(reports)))


# An article whose re-used paragraphs are at least this share of its content paragraphs is a copy of the other:
# one shared background paragraph ("aid groups said families had fled") does not make a report of its own a copy.
COPY_SHARE = 0.5


def independent_sources(articles: list[Article], links: list[Reuse]) -> int:
    """Independent sources of a story: articles joined by outlet, wire credit, duplication, or re-used text
    making up at least ``COPY_SHARE`` of either one's content paragraphs."""
    if not articles:
        return 0
    by_id = {a.id: a for a in articles}
    components = Components()
    for article in articles:
        components.find(article.id)
        if article.duplicate_of in by_id:
            components.join(article.id, article.duplicate_of)
    shared: dict[tuple[str, str], set] = {}
    for link in links:
        a, b = link.a["article"], link.b["article"]
        if a in by_id and b in by_id and a != b:
            shared.setdefault((a, b), set()).add((a, link.a["paragraph"]))
            shared.setdefault((b, a), set()).add((b, link.b["paragraph"]))
    for (a, b), paragraphs in shared.items():
        if len(paragraphs) >= COPY_SHARE * max(1, len(by_id[a].content_paragraphs())):
            components.join(a, b)
    for i, a in enumerate(articles):
        for b in articles[i + 1 :]:
            if same_outlet(a, b):
                components.join(a.id, b.id)
    return components.count(by_id)
