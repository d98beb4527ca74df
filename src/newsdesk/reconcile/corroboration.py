"""Independence: how many independent reports stand behind a claim, and how many independent sources a story has.

Two reports count once when one re-uses the other's text (a re-use link
between their paragraphs, the same paragraph text, or an exact duplicate),
when they come from the same outlet (``Article.source``, else the web domain
of ``Article.url``) or when they carry
the same wire credit (``Article.credits``). Everything else counts as
independent: that is the difference from event feeds that count every
re-print of a wire story again.
"""
from __future__ import annotations

from ..components import Components
from ..model import Article, Reuse
from .matching import CASUALTY_KINDS, Report, outlet_name, ranges_overlap


def _norm(name: str) -> str:
    return " ".join(name.lower().split())


def same_outlet(a: Article, b: Article) -> bool:
    """Same outlet or same wire credit (an agency story printed by two outlets is one report)."""
    mine, theirs = outlet_name(a), outlet_name(b)
    if mine and mine == theirs:
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


def reused(a: Report, b: Report, pairs: set) -> bool:
    """Whether the text of one report re-uses the other's."""
    first, second = a.article, b.article
    if first.id == second.id:
        return True
    if first.duplicate_of == second.id or second.duplicate_of == first.id:
        return True
    pa, pb = a.claim.span.paragraph, b.claim.span.paragraph
    if (first.id, pa, second.id, pb) in pairs:
        return True
    # Without a link (re-use step not run, or the title), identical paragraph text is re-use all the same.
    return first.paragraph_text(pa) == second.paragraph_text(pb)


def dependent(a: Report, b: Report, pairs: set) -> bool:
    return reused(a, b, pairs) or same_outlet(a.article, b.article)


def corroborates(a: Report, b: Report) -> bool:
    """Whether ``b`` says the same as ``a``: same polarity, and no casualty figure of one kind that disagrees."""
    if a.denies != b.denies:
        return False
    for kind in CASUALTY_KINDS:
        mine, theirs = a.figures_of(kind), b.figures_of(kind)
        if mine and theirs and not any(ranges_overlap(x, y) for x in mine for y in theirs):
            return False
    return True


def independent_reports(groups: list[list[Report]], links: list[Reuse]) -> dict[str, int]:
    """Claim id → number of independent reports of what it says (itself included)."""
    pairs = reused_paragraphs(links)
    counts: dict[str, int] = {}
    for group in groups:
        for report in group:
            agreeing = [other for other in group if other is report or corroborates(report, other)]
            components = Components()
            for i, a in enumerate(agreeing):
                components.find(i)
                for j in range(i + 1, len(agreeing)):
                    if dependent(a, agreeing[j], pairs):
                        components.join(i, j)
            counts[report.id] = components.count(range(len(agreeing)))
    return counts


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
        for b in articles[i + 1:]:
            if same_outlet(a, b):
                components.join(a.id, b.id)
    return components.count(by_id)
