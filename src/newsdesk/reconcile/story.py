"""The ``reconcile`` step: a story's contradictions, independent reports, novelty and events, kept up to date.

When an article joins a story, only that story is recomputed, from its
stored articles plus the new one, and saved as the story's state
(``store.save_story_state``), which the export reads. The story's
``independent_sources`` is updated on its record.
"""
from __future__ import annotations

from typing import Any

from ..errors import NotFound
from ..model import Article, Reuse
from ..pipeline import step
from .contradictions import contradictions
from .corroboration import independent_reports, independent_sources
from .events import events
from .matching import group_id, proposition_groups, reports
from .novelty import novelty


def entity_map(articles: list[Article]) -> dict[str, str]:
    """Entity id → desk-wide entity id (alias resolution), when the entities step offers it."""
    try:
        from ..extract.entities import resolve_desk
    except ImportError:
        return {}
    return resolve_desk(articles)


def reconcile(story_id: str, articles: list[Article], links: list[Reuse], config: dict | None = None) -> dict[str, Any]:
    """The reconciliation state of one story (plain JSON-ready dicts)."""
    config = config or {}
    entity_of = entity_map(articles)
    found = reports(articles, entity_of)
    groups = proposition_groups(found, config)
    disputes = contradictions(story_id, groups, found, config)
    return {
        "groups": [{"id": group_id(story_id, g), "claims": [r.id for r in g]} for g in groups],
        "contradictions": [c.to_dict() for c in disputes],
        "independent_reports": independent_reports(groups, links),
        "independent_sources": independent_sources(articles, links),
        "novelty": novelty(articles, groups, entity_of),
        "events": [e.to_dict() for e in events(story_id, articles, entity_of, disputes)],
    }


def story_links(store, ids: list[str]) -> list[Reuse]:
    """Re-use links between articles of the story."""
    members = set(ids)
    seen, links = set(), []
    for article_id in ids:
        for link in store.reuse(article_id):
            key = (link.a["article"], link.a["paragraph"], link.b["article"], link.b["paragraph"])
            if key not in seen and link.a["article"] in members and link.b["article"] in members:
                seen.add(key)
                links.append(link)
    return links


@step("reconcile", requires=("stories", "claims"), assigns=("reconcile",), scope="desk")
def make_reconcile(config, desk):
    """Contradictions, independent reports, novelty and ACLED-like events of the story the article joins."""
    limit = config.get("max_articles", 200)

    def update(article: Article) -> None:
        if article.story is None:
            return
        store = desk.store
        rows = store.db.execute("SELECT id FROM articles WHERE story = ? AND id != ? ORDER BY seq DESC LIMIT ?",
                                (article.story, article.id, limit - 1)).fetchall()
        articles = list(store.articles([r[0] for r in rows])) + [article]
        links = story_links(store, [a.id for a in articles])
        state = reconcile(article.story, articles, links, config)
        store.save_story_state(article.story, state)
        try:
            story = store.story(article.story)
        except NotFound:
            return
        if story.independent_sources != state["independent_sources"]:
            story.independent_sources = state["independent_sources"]
            store.save_story(story)

    return update
