"""Online story clustering (the desk step ``stories``).

Each new article joins the story it matches best or starts one
(:class:`~newsdesk.stories.index.StoryIndex`); a duplicate joins the story of
its original when published close to it. Each article's entry is
recorded in ``story_terms`` (weighted terms, day, normalised title, related
titles, the article it duplicates) and indexed in the store's story tables
(:mod:`~newsdesk.stories.stored`): a reopened desk reads only the rows an add
needs. Stories are saved through
``store.save_story``; when stories merge or one splits, their articles move
with ``store.set_story`` (a split part's reconciled state is dropped: the
reconcile step recomputes it).

A story's id derives from the article that founded it; its title is its most
representative headline (the one sharing most words with the others);
``independent_sources`` counts distinct outlets among its non-duplicate
articles (reconciliation refines it with re-use links).
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter

from ..clean.normalize import text as normal_text
from ..model import Article, Story, stable_id
from ..outlets import outlet_count
from ..pipeline import step
from .index import Entry, Settings
from .stored import StoredIndex
from .terms import body_terms, carries_headline, content_words, headline_terms, stop_words

_PUNCT = re.compile(r"[^\w ]+")
BOILERPLATE_HOLDERS = 50  # holders of a paragraph read to judge it boilerplate


def title_key(title: str) -> str:
    """A headline reduced for exact matching against related-title links."""
    return " ".join(_PUNCT.sub(" ", normal_text(title).lower()).split())


def day_number(published: str | None) -> int | None:
    try:
        return datetime.date.fromisoformat((published or "")[:10]).toordinal()
    except ValueError:
        return None


def representative_title(titles: list[str], stop: frozenset[str]) -> str:
    """The headline sharing most content words with the other headlines (ties: the earliest)."""
    if len(titles) <= 2:
        return titles[0] if titles else ""
    words = [set(content_words(t, stop)) for t in titles]
    scores = [sum(len(w & other) / (len(w | other) or 1) for other in words) for w in words]
    return titles[max(range(len(titles)), key=lambda i: (scores[i], -i))]


class Clusterer:
    def __init__(self, store, settings: Settings):
        self.store = store
        self.settings = settings
        self.stop = stop_words()
        self.index: StoredIndex | None = None
        self.rollbacks = 0  # the store's rollbacks when the index was last checked
        self.background: tuple[dict[str, int], int] = ({}, 0)  # (document frequencies, articles) seen elsewhere

    def fresh(self) -> StoredIndex:
        """The index in the store; what this process read of it is dropped when another connection wrote or a
        transaction rolled back."""
        rollbacks = self.store.rollbacks
        if self.index is None:
            self.index = StoredIndex(
                self.settings, self.store.db, lambda article_id: stable_id("story", article_id), self.background
            )
        elif not self.store.changed_elsewhere("stories") and rollbacks == self.rollbacks:
            return self.index
        self.store.changed_elsewhere("stories")
        self.rollbacks = rollbacks
        self.index.drop_cached()
        with self.store.transaction():  # one transaction for the catch-up (joins the add's own)
            self.index.sync()
        return self.index

    def __call__(self, article: Article) -> None:
        index = self.fresh()
        headline = content_words(article.title, self.stop)
        body = body_terms(article, self.stop, self.boilerplate(article.id, headline))
        duplicate_of = article.duplicate_of
        twin = duplicate_of or self.body_twin(article.id)
        if twin and self.template(headline, body, index.entry(twin)):
            # The body is a page template (captcha, sign-in) shared with other headlines: the headline alone
            # tells the story, and the copy does not follow its "original" (another story's template page).
            body, duplicate_of = Counter(), None
        entry = Entry(
            index.weighted(headline_terms(headline) + body),
            day_number(article.published),
            "",
            title_key(article.title),
            tuple(k for k in map(title_key, article.related_titles) if k),
            duplicate_of,
        )
        story, moves = index.assign(article.id, entry)
        article.story = story
        self.store.db.execute(
            "INSERT OR REPLACE INTO story_terms (article_id, day, data) VALUES (?, ?, ?)",
            (
                article.id,
                entry.day,
                json.dumps(
                    {
                        "terms": entry.terms,
                        "title": entry.title,
                        "links": entry.links,
                        "duplicate_of": entry.duplicate_of,
                    },
                    ensure_ascii=False,
                ),
            ),
        )
        touched = set()
        for source, target, article_ids in moves:
            for article_id in article_ids:
                if article_id != article.id:
                    self.store.set_story(article_id, target)
            touched |= {source, target}
        for other in sorted(touched - {story}):
            if index.story_members(other):  # a part of a split: its reconciled state is stale
                self.save(other, without=article.id)
                self.store.drop_story_state(other)
            else:  # merged into the article's story
                self.store.remove_story(other)
        self.save(story, pending=article)

    def boilerplate(self, article_id: str, headline: list[str]) -> frozenset[int]:
        """The article's paragraphs that at least ``boilerplate_articles`` other articles print word for word
        under headlines sharing no word with its own (the hashes the reuse step stored): a sign-in notice, a
        copyright line, a station's sign-off. Words in them say which outlet printed the page, not which story
        it tells. A wire report reprinted by several outlets keeps its paragraphs: their headlines share words."""
        least = self.settings.boilerplate_articles
        if least <= 0:
            return frozenset()
        mine = set(headline)
        db = self.store.db
        paragraphs: dict[str, list[int]] = {}  # a paragraph printed many times is looked up once
        for paragraph, value in db.execute(
            "SELECT paragraph, hash FROM paragraph_hashes WHERE article_id = ?", (article_id,)
        ).fetchall():
            paragraphs.setdefault(value, []).append(paragraph)
        found = set()
        for value, indexes in paragraphs.items():
            # a template's holders are many: the first few tell (the cost of an add stays flat as the desk grows)
            titles = db.execute(
                "SELECT DISTINCT a.id, a.title FROM paragraph_hashes h JOIN articles a"
                " ON a.id = h.article_id WHERE h.hash = ? AND h.article_id != ? LIMIT ?",
                (value, article_id, BOILERPLATE_HOLDERS),
            ).fetchall()
            if sum(not mine & set(content_words(title or "", self.stop)) for _, title in titles) >= least:
                found.update(indexes)
        return frozenset(found)

    def body_twin(self, article_id: str) -> str | None:
        """The earliest stored article printing exactly this article's content paragraphs (the hashes the reuse
        step stored), when the dedup step did not call it a copy: a short page template under another headline."""
        db = self.store.db
        mine = {r[0] for r in db.execute("SELECT hash FROM paragraph_hashes WHERE article_id = ?", (article_id,))}
        if not mine:
            return None
        for (other,) in db.execute(
            "SELECT h.article_id FROM paragraph_hashes h JOIN articles a ON a.id = h.article_id"
            " WHERE h.hash = ? AND h.article_id != ? ORDER BY h.rowid LIMIT ?",  # arrival order, read off the index
            (min(mine), article_id, BOILERPLATE_HOLDERS),
        ).fetchall():
            theirs = {r[0] for r in db.execute("SELECT hash FROM paragraph_hashes WHERE article_id = ?", (other,))}
            if theirs == mine:
                return other
        return None

    def template(self, headline: list[str], body: Counter, original: Entry | None) -> bool:
        """Whether a copy's body carries neither its own headline nor its original's (a page template)."""
        theirs = content_words(original.title, self.stop) if original else []
        share = self.settings.template_headline_share
        return not carries_headline(headline, body, share) and not carries_headline(theirs, body, share)

    def forget(self, article_id: str) -> None:
        index = self.fresh()
        entry = index.remove(article_id)
        if entry is None:
            return
        if index.story_members(entry.story):
            self.save(entry.story, without=article_id)
        else:
            self.store.remove_story(entry.story)

    def save(self, story_id: str, pending: Article | None = None, without: str | None = None) -> None:
        """Write the story record from its stored articles (plus the one about to be stored)."""
        rows = [
            dict(r)
            for r in self.store.db.execute(
                "SELECT id, title, published, source, url, duplicate_of, seq FROM articles WHERE story = ?", (story_id,)
            )
        ]
        rows = [r for r in rows if r["id"] not in (without, pending.id if pending else None)]
        if pending is not None:
            rows.append(
                {
                    "id": pending.id,
                    "title": pending.title,
                    "published": pending.published,
                    "source": pending.source,
                    "url": pending.url,
                    "duplicate_of": pending.duplicate_of,
                    "seq": float("inf"),
                }
            )
        if not rows:
            self.store.remove_story(story_id)
            return
        rows.sort(key=lambda r: (r["published"] or "9999", r["seq"]))
        originals = [r for r in rows if not r["duplicate_of"]] or rows
        dates = sorted(r["published"] for r in rows if r["published"])
        self.store.save_story(
            Story(
                id=story_id,
                title=representative_title([r["title"] for r in originals if r["title"]], self.stop),
                articles=[r["id"] for r in rows],
                first_published=dates[0] if dates else None,
                last_published=dates[-1] if dates else None,
                independent_sources=outlet_count(originals),
            )
        )


@step("stories", requires=("text",), assigns=("stories",), scope="desk")
def make_stories(config, desk):
    """Online story clustering: TF-IDF terms and names, publication days, related-title links."""
    return Clusterer(desk.store, Settings.from_config(config))
