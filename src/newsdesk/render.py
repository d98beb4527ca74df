"""Readable terminal views of articles (used by ``newsdesk show`` and the demo)."""
from __future__ import annotations

import click

from .model import Article

ROLE_COLORS = {"body": None, "heading": "cyan", "caption": "yellow", "credit": "magenta", "related": "blue",
               "boilerplate": "bright_black"}


def article_text(article: Article, color: bool = False) -> str:
    def style(text, **kw):
        return click.style(text, **kw) if color else text

    lines = [style(article.title, bold=True), ""]
    meta = [("id", article.id), ("published", article.published), ("source", article.source), ("url", article.url),
            ("story", article.story), ("duplicate of", article.duplicate_of),
            ("credits", ", ".join(article.credits) or None)]
    lines += [f"{key:>12}: {value}" for key, value in meta if value]
    lines.append("")
    repairs: dict[int, list] = {}
    for repair in article.repairs:
        repairs.setdefault(repair.paragraph, []).append(repair)
    for paragraph in article.paragraphs:
        text = paragraph.text
        marks = sorted(repairs.get(paragraph.index, []), key=lambda r: r.start, reverse=True)
        for repair in marks:  # right to left keeps earlier offsets valid
            fixed = text[repair.start:repair.end]
            shown = style(fixed, fg="green", underline=True) if color else f"[{fixed}]"
            text = text[:repair.start] + shown + text[repair.end:]
        where = f"L{paragraph.line}" if paragraph.line else (paragraph.path or "")
        tag = f"{paragraph.index:>3} {paragraph.role:<11} {where:<5}"
        lines.append(style(tag, fg=ROLE_COLORS.get(paragraph.role) or "white", dim=paragraph.role == "body") + " " + text)
    if article.related_titles:
        lines += ["", "related:"] + [f"  - {title}" for title in article.related_titles]
    if article.repairs:
        lines += ["", f"{len(article.repairs)} repairs: "
                  + "; ".join(f"{r.before} → {r.after}" for r in article.repairs)]
    return "\n".join(lines)
