"""Readable terminal views of articles (used by ``newsdesk show`` and the demo)."""

from __future__ import annotations

import click

from .model import Article
from .outlets import outlet_count

ROLE_COLORS = {
    "body": None,
    "heading": "cyan",
    "caption": "yellow",
    "credit": "magenta",
    "related": "blue",
    "boilerplate": "bright_black",
}


def article_text(article: Article, color: bool = False) -> str:
    def style(text, **kw):
        return click.style(text, **kw) if color else text

    lines = [style(article.title, bold=True), ""]
    dateline = article.dateline
    meta = [
        ("id", article.id),
        ("published", article.published),
        ("language", article.language),
        ("source", article.source),
        ("url", article.url),
        ("story", article.story),
        ("duplicate of", article.duplicate_of),
        ("credits", ", ".join(article.credits) or None),
        ("dateline", dateline and ", ".join(filter(None, (dateline.place, dateline.date, dateline.credit)))),
    ]
    lines += [f"{key:>12}: {value}" for key, value in meta if value]
    lines += [style(f"{'note':>12}: {note.code}: {note.detail}", fg="red") for note in article.notes]
    lines.append("")
    repairs: dict[int, list] = {}
    for repair in article.repairs:
        repairs.setdefault(repair.paragraph, []).append(repair)
    for paragraph in article.paragraphs:
        text = paragraph.text
        marks = sorted(repairs.get(paragraph.index, []), key=lambda r: r.start, reverse=True)
        for repair in marks:  # right to left keeps earlier offsets valid
            fixed = text[repair.start : repair.end]
            shown = style(fixed, fg="green", underline=True) if color else f"[{fixed}]"
            text = text[: repair.start] + shown + text[repair.end :]
        where = f"L{paragraph.line}" if paragraph.line else (paragraph.path or "")
        tag = f"{paragraph.index:>3} {paragraph.role:<11} {where:<5}"
        lines.append(
            style(tag, fg=ROLE_COLORS.get(paragraph.role) or "white", dim=paragraph.role == "body") + " " + text
        )
    if article.related_titles:
        lines += ["", "related:"] + [f"  - {title}" for title in article.related_titles]
    if article.repairs:
        lines += [
            "",
            f"{len(article.repairs)} repairs: " + "; ".join(f"{r.before} → {r.after}" for r in article.repairs),
        ]
    return "\n".join(lines)


def story_text(desk, story, color: bool = False) -> str:
    """A story: its articles in time order, each with the paragraphs it re-uses from earlier articles."""

    def style(text, **kw):
        return click.style(text, **kw) if color else text

    rows = {row["id"]: row for row in desk.store.article_rows() if row["id"] in set(story.articles)}
    duplicates = sum(1 for a in story.articles if rows.get(a) is not None and rows[a]["duplicate_of"])
    dates = f"{story.first_published or '?'} – {story.last_published or '?'}"
    lines = [
        style(story.title, bold=True),
        "",
        f"{'id':>12}: {story.id}",
        f"{'articles':>12}: {len(story.articles) - duplicates}"
        + (f" (+{duplicates} duplicates)" if duplicates else ""),
        f"{'outlets':>12}: {outlet_count(rows[a] for a in story.articles if a in rows)}"
        f" ({story.independent_sources} independent: an outlet that copied another's text counts once)",
        f"{'dates':>12}: {dates}",
        "",
    ]
    for article_id in story.articles:
        row = rows.get(article_id)
        if row is None:
            continue
        mark = f"  [duplicate of {row['duplicate_of']}]" if row["duplicate_of"] else ""
        lines.append(
            f"{row['published'] or '-':<10}  {(row['source'] or '-')[:16]:<16}  {style(article_id, fg='cyan')}  "
            f"{row['title'][:70]}{mark}"
        )
        for link in desk.store.reuse(article_id):
            if link.b["article"] != article_id:
                continue
            lines.append(
                f"{'':<12}¶{link.b['paragraph']} re-uses {link.a['article']} ¶{link.a['paragraph']} "
                f"({link.kind}, {link.similarity:.2f})"
            )
    return "\n".join(lines)


def claims_table(pairs, width: int = 70, wide: bool = False, columns: int | None = None) -> str:
    """(article, claim) pairs as a table: article, paragraph, speaker (→ resolved name), cue, polarity, date, content.

    Speakers are cut at 30 characters and contents at ``width``; ``wide`` shows both whole, wrapped in their
    columns to ``columns`` characters a line (the terminal's width by default)."""
    import shutil
    import textwrap
    from itertools import zip_longest

    from .extract.claims import speaker_names

    lines = [f"{'article':<22} {'¶':>3}  {'speaker':<30} {'cue':<14} {'stance':<6} {'date':<10}  content"]
    room = max((columns or shutil.get_terminal_size((120, 24)).columns) - 93, 40)  # 93: the columns before content
    for article, claim in pairs:
        names = speaker_names(article, claim)
        speaker = names[0] if names else "-"
        if len(names) > 1 and names[1].lower() != speaker.lower():
            speaker = f"{names[1]} ← {speaker}"  # the resolved name first: the column may be cut
        paragraph = "T" if claim.span.paragraph == -1 else str(claim.span.paragraph)
        content = ("“" + claim.content + "”") if claim.direct_quote else claim.content
        cue = claim.cue or "-"
        if wide:
            speakers, cues, contents = textwrap.wrap(speaker, 30), textwrap.wrap(cue, 14), textwrap.wrap(content, room)
        else:
            speakers, cues = [speaker[:30]], [cue[:14]]
            contents = [content if len(content) <= width else content[: width - 1] + "…"]
        first = True
        for who, said, what in zip_longest(speakers, cues, contents, fillvalue=""):
            head = f"{article.id[:22]:<22} {paragraph:>3}" if first else " " * 26
            tail = f"{claim.polarity:<6} {claim.date or '-':<10}" if first else " " * 17
            lines.append(f"{head}  {who:<30} {said:<14} {tail}  {what}".rstrip())
            first = False
    lines.append(f"{len(pairs)} claims")
    return "\n".join(lines)
