"""What each article of a story adds to the articles published before it.

Articles are taken in story order (publication date, then arrival). A claim
is new when no earlier article printed a claim of its proposition group with
the same polarity and figures; a figure is new when its kind and value were
not stated before; places and people are new when no earlier article named
the same (desk-resolved) entity.
"""

from __future__ import annotations

from ..model import Article
from .matching import COUNTED_KINDS, Report, stated, story_order


def _figure_key(q) -> tuple:
    """A figure as news: its kind and the number it states ("12 deaths" after "at least 12 dead" is not news)."""
    return (q.kind, q.min if q.min is not None else q.max)


def novelty(articles: list[Article], groups: list[list[Report]], entity_of: dict[str, str]) -> dict[str, dict]:
    """Article id → {"claims": [claim id], "figures": [{text, kind, min, max}], "places": [name], "people": [name]}."""
    group_of = {report.id: index for index, group in enumerate(groups) for report in group}
    figures_of = {report.id: report.figures for group in groups for report in group}
    said: set[tuple] = set()
    figures_seen: set[tuple] = set()
    names_seen: set[str] = set()
    result: dict[str, dict] = {}
    types = {entity.id: entity.type for article in articles for entity in article.entities}
    for article in story_order(articles):
        new: dict[str, list] = {"claims": [], "figures": [], "places": [], "people": []}
        keys: dict = {}  # ordered set
        for claim in filter(stated, article.claims):
            figures = frozenset(_figure_key(q) for q in figures_of.get(claim.id, ()))
            key = (group_of.get(claim.id, claim.id), claim.polarity, figures)
            if key not in said and key not in keys:  # new, and not a second copy in the same article
                new["claims"].append(claim.id)
            keys[key] = None
        figure_keys: dict = {}
        for quantity in article.quantities:
            key = _figure_key(quantity)
            if quantity.kind in COUNTED_KINDS and key not in figures_seen and key not in figure_keys:
                new["figures"].append(
                    {
                        "text": quantity.text,
                        "kind": quantity.kind,
                        "min": quantity.min,
                        "max": quantity.max,
                        "claim": quantity.claim,
                    }
                )
                figure_keys[key] = None
        entity_keys: dict = {}
        for entity in article.entities:
            key = entity_of.get(entity.id, entity.id)
            if key in names_seen or key in entity_keys:
                continue
            entity_keys[key] = None  # every entity named is known from here on, whatever its type
            if entity.place is not None or entity.type in ("GPE", "LOC"):
                new["places"].append(entity.name)
            elif (
                entity.type == "PERSON" and types.get(key, "PERSON") == "PERSON"
            ):  # not one merged into an organisation
                new["people"].append(entity.name)
        said.update(keys)
        figures_seen.update(figure_keys)
        names_seen.update(entity_keys)
        result[article.id] = new
    return result


def novelty_lines(article: Article, found: dict) -> list[str]:
    """Readable lines saying what ``article`` adds to its story (for ``newsdesk story ID``)."""
    new = found.get(article.id)
    if new is None:
        return ["  adds: (not reconciled yet)"]
    claims = {claim.id: claim for claim in article.claims}
    lines = []
    for claim_id in new["claims"]:
        claim = claims.get(claim_id)
        if claim is not None:
            who = f"{claim.speaker_text}: " if claim.speaker_text else ""
            mark = "denies " if claim.polarity == "deny" else ""
            lines.append(f"  + claim  {who}{mark}{claim.content[:100]}")
    for figure in new["figures"]:
        lines.append(f"  + figure {figure['text']} ({figure['kind']})")
    if new["places"]:
        lines.append("  + places " + ", ".join(new["places"]))
    if new["people"]:
        lines.append("  + people " + ", ".join(new["people"]))
    return lines or ["  adds nothing new"]


def novelty_text(desk, story) -> str:
    """The "what each article adds" section of ``newsdesk story``, in story order."""
    found = desk.store.story_state(story.id).get("novelty", {})
    articles = story_order(list(desk.store.articles(story.articles)))
    lines = ["", "what each article adds:"]
    for article in articles:
        lines.append(f"{article.published or '-':<10}  {article.id}")
        lines += novelty_lines(article, found)
    return "\n".join(lines)
