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
        "events": [e.to_dict() for e in events(story_id, articles, entity_of, disputes, config)],
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

    def refresh(story_id: str, articles: list[Article]) -> None:
        store = desk.store
        state = reconcile(story_id, articles, story_links(store, [a.id for a in articles]), config)
        store.save_story_state(story_id, state)
        try:
            story = store.story(story_id)
        except NotFound:
            return
        if story.independent_sources != state["independent_sources"]:
            story.independent_sources = state["independent_sources"]
            store.save_story(story)

    def others(story_id: str, article_id: str, count: int) -> list[Article]:
        """The story's most recent ``count`` stored articles other than ``article_id``."""
        rows = desk.store.db.execute(
            "SELECT id FROM articles WHERE story = ? AND id != ? ORDER BY seq DESC LIMIT ?",
            (story_id, article_id, count),
        ).fetchall()
        return list(desk.store.articles([r[0] for r in rows]))

    def update(article: Article) -> None:
        if article.story is not None:
            refresh(article.story, others(article.story, article.id, limit - 1) + [article])
        for story_id in desk.store.stateless_stories(10):  # parts of a story the stories step split
            remaining = others(story_id, article.id, limit) if story_id != article.story else []
            if remaining:
                refresh(story_id, remaining)

    def forget(article_id: str) -> None:
        """Reconcile the story an article leaves (removed or replaced) without it."""
        row = desk.store.db.execute("SELECT story FROM articles WHERE id = ?", (article_id,)).fetchone()
        remaining = others(row[0], article_id, limit) if row and row[0] else []
        if remaining:
            refresh(row[0], remaining)

    update.forget = forget
    return update
