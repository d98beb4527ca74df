"""Paragraph roles: body, heading, caption, credit, related, boilerplate.

Scraped and translated news mixes the report with what surrounded it on the
page: photo captions and gallery titles, a closing source credit, a "read
more" list of other headlines, share and copyright lines. The signals used
here are general ones, never phrases of particular articles:

- *boilerplate*: short lines about copyright, sharing, subscribing, apps;
- *credit*: a closing line wholly in parentheses, or a short closing line
  naming who reported ("... by NAME", "... from NAME"); the names become
  ``Article.credits``;
- *related*: at the end of the article, a short list header (ending in ":"
  or a short line without final punctuation) followed only by headline-shaped
  lines (one sentence, no final period); the items become
  ``Article.related_titles``;
- *caption*: a short paragraph ending in a parenthetical photo or agency
  credit ("(Reuters)", "(Photo: NAME)", "(NAME via AGENCY/Screenshot)"), and
  the gallery titles that go with such captions: a short non-sentence line of
  the same text block as a caption, or repeated in the article next to one;
- *heading*: a short line that is not a sentence, followed by body text;
- everything else is *body*.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate

from ..config import StepSettings
from ..model import Article, Paragraph
from ..pipeline import step

_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*$")
# A sentence boundary inside a paragraph: end punctuation, space, capital.
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)]*\s+[\"“‘(]?[A-Z]")
_TRAILING_PAREN = re.compile(r"\(([^()]{1,120})\)\s*$")
_WHOLE_PAREN = re.compile(r"^\((.+)\)[.]?$")
# Words that may be lowercase inside a photo/agency credit ("NAME via AGENCY",
# "Photo: courtesy of NAME").
_CREDIT_CONNECTORS = {
    "via",
    "and",
    "of",
    "for",
    "the",
    "de",
    "del",
    "la",
    "le",
    "van",
    "von",
    "from",
    "by",
    "courtesy",
    "photo",
    "file",
    "handout",
    "screenshot",
    "staff",
    "&",
    "/",
    "-",
    "|",
    ":",
}
# Generic web furniture (copyright, sharing, subscriptions, apps, ads): a few
# words every news site uses, checked only on short paragraphs.
_BOILERPLATE = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|may not be (re)?published|\bsubscri(be|ption)\b|"
    r"\bsign up\b|\bnewsletter\b|\bshare (this|on)\b|\bfollow us\b|\bclick here\b|\badvertisement\b|"
    r"\bcookies?\b|\bdownload (the|our)\b.*\bapp\b|\blike us on\b|\bterms of (use|service)\b|\bprivacy policy\b",
    re.IGNORECASE,
)
_SOCIAL_ONLY = re.compile(
    r"^(share|tweet|email|print|comments?|facebook|twitter|whatsapp|linkedin|pinterest|"
    r"reddit|telegram|copy link|\W)+$",
    re.IGNORECASE,
)
# A closing line saying who reported: "Reporting by NAME", "With information
# from NAME", "NAME contributed to this report".
_CREDIT_LINE = re.compile(r"\b(by|from)\s+[A-Z]")
_CONTRIBUTED = re.compile(r"\bcontributed to this (report|story|article)\b")
_NAME_RUN = re.compile(r"[A-Z][\w.&’'-]*(?:\s+(?:[A-Z][\w.&’'-]*|of|de|da|van|von|del|la|al|bin))*")
_NAME_SEPARATORS = re.compile(r"\s*(?:[;,/]|\band\b|&)\s*")


@dataclass(frozen=True)
class Settings(StepSettings):
    """The ``[roles]`` section (see defaults.toml)."""

    section = "roles"
    max_caption_chars: int
    max_short_words: int
    max_related_chars: int
    end_zone: float


DEFAULTS = Settings.from_config()


@step("roles", requires=("text",), assigns=("roles",))
def make_roles(config, desk):
    """Paragraph roles (body, heading, caption, credit, related, boilerplate), credits and related titles."""
    settings = Settings.from_config(config)

    def roles(article: Article) -> None:
        assign(article, settings)

    return roles


def assign(article: Article, settings: Settings = DEFAULTS) -> Article:
    """Set every paragraph's role and the article's ``credits`` and ``related_titles``; returns the article."""
    paragraphs = article.paragraphs
    found: list[str | None] = [None] * len(paragraphs)
    for i, paragraph in enumerate(paragraphs):
        if is_boilerplate(paragraph.text):
            found[i] = "boilerplate"
    header = _mark_end_matter(paragraphs, found, settings)
    _mark_captions(paragraphs, found, settings)
    _mark_headings(paragraphs, found, settings)
    for paragraph, role in zip(paragraphs, found):
        paragraph.role = role or "body"
    article.credits = list(
        dict.fromkeys(name for p in paragraphs if p.role == "credit" for name in credited_names(p.text))
    )
    article.related_titles = [p.text for i, p in enumerate(paragraphs) if p.role == "related" and i != header]
    return article


# shapes --------------------------------------------------------------------
def words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_sentence(text: str) -> bool:
    """Ends like a sentence (final period, question or exclamation mark, possibly inside quotes)."""
    return bool(_SENTENCE_END.search(text))


def is_short_line(text: str, settings: Settings = DEFAULTS) -> bool:
    """A title-like line: few words and no final sentence punctuation (a question may stay)."""
    return 0 < len(words(text)) <= settings.max_short_words and not re.search(r"[.!,;…][\"”’)]*$", text)


def is_list_header(text: str) -> bool:
    """A short line introducing a list: "Read more:", "Related:"."""
    return text.endswith(":") and len(words(text)) <= 6


def is_headline(text: str, settings: Settings = DEFAULTS) -> bool:
    """One sentence of headline length (titles of other articles in a link list)."""
    return (
        3 <= len(words(text))
        and len(text) <= settings.max_related_chars
        and not _SENTENCE_BREAK.search(text)
        and not text.endswith(":")
    )


def is_boilerplate(text: str) -> bool:
    if len(text) <= 200 and _BOILERPLATE.search(text):
        return True
    return len(words(text)) <= 4 and bool(_SOCIAL_ONLY.match(text))


def photo_credit(text: str) -> str | None:
    """The parenthetical credit a caption ends with ("Reuters", "Photo: NAME"), or None."""
    match = _TRAILING_PAREN.search(text)
    if not match:
        return None
    inner = match.group(1).strip()
    if len(inner) < 2:
        return None  # "(D)": a country or list mark, not a credit
    tokens = re.findall(r"[^\s/|:]+|[/|:]", inner)
    alpha = [t for t in tokens if any(c.isalpha() for c in t)]
    if not alpha or len(alpha) > 9 or not alpha[0][0].isupper() or any(c.isdigit() for c in inner):
        return None  # a credit names people and agencies; "(Preis 2019)" is data
    lower = [t for t in alpha if not t[0].isupper() and t.lower() not in _CREDIT_CONNECTORS]
    if lower:
        return None
    before = text[: match.start()].rstrip()
    if not before:
        return None
    if _is_acronym_of(inner, before):
        return None
    return inner


def _is_acronym_of(inner: str, before: str) -> bool:
    """ "Russian Volunteer Corps (CVR)": the parenthesis abbreviates the words before it."""
    if not (inner.isupper() and inner.isalpha() and len(inner) <= 8):
        return False
    initials = [w[0] for w in words(before)[-len(inner) - 1 :] if w[0].isupper()]
    return sorted(inner) == sorted(initials[-len(inner) :])


def credited_names(text: str) -> list[str]:
    """Names in a credit line: "(With information from EFE and Reuters)" → ["EFE", "Reuters"]."""
    inner = text.strip()
    whole = _WHOLE_PAREN.match(inner)
    if whole:
        inner = whole.group(1)
    inner = _CONTRIBUTED.split(inner)[0].strip(" .")
    names = []
    for piece in _NAME_SEPARATORS.split(inner):
        piece = piece.strip(" .:")
        # The name is the last capitalised run of each piece: "Reporting by NAME", "from NAME".
        runs = [m.group(0) for m in _NAME_RUN.finditer(piece)]
        if not runs:
            continue
        last = runs[-1]
        if piece.startswith(last) and re.match(r"\s+[a-z]", piece[len(last) :]):
            continue  # a capitalised first word followed by lowercase: not a name
        names.append(last.strip(" .-"))
    return [n for n in names if n]


# passes --------------------------------------------------------------------
def _is_credit(text: str) -> bool:
    count = len(words(text))
    if count > 25:
        return False
    if _WHOLE_PAREN.match(text):
        return bool(credited_names(text))
    if count > 15:
        return False
    if _CONTRIBUTED.search(text):
        return True
    return not is_sentence(text) and bool(_CREDIT_LINE.search(text)) and bool(credited_names(text))


def _mark_end_matter(paragraphs: list[Paragraph], found: list, settings: Settings) -> int | None:
    """Credit lines and a related-article list at the end of the article; returns the list header's index."""
    n = len(paragraphs)
    zone = max(1, int(n * (1 - settings.end_zone)))
    i = n - 1
    # Credit lines and furniture at the very end.
    while i >= zone and (found[i] is not None or _is_credit(paragraphs[i].text)):
        if found[i] is None:
            found[i] = "credit"
        i -= 1
    # A list of headlines under a header.
    header = None
    j = i
    items: list[int] = []
    while j >= zone and is_headline(paragraphs[j].text, settings) and found[j] is None:
        items.append(j)
        j -= 1
    texts = [paragraphs[k].text for k in items]
    # running counts over the items from the bottom up: each shorter list is judged in constant time
    unpunctuated = list(accumulate((not is_sentence(t) for t in texts), initial=0))
    periods = list(accumulate((t.endswith(".") for t in texts), initial=0))
    for size in range(len(items), 0, -1):  # the topmost item may be body text, or the header itself
        above = items[size - 1] - 1  # the paragraph above the topmost item
        if (
            above >= 1
            and found[above] is None
            and 2 * unpunctuated[size] >= size
            and not periods[size]
            and not is_sentence(texts[size - 1])
            and _is_list_head(paragraphs[above].text, size)
        ):
            for k in (above, *items[:size]):
                found[k] = "related"
            header, i = above, above - 1
            break
    # Credit lines just above the list.
    while i >= zone and found[i] is None and _is_credit(paragraphs[i].text):
        found[i] = "credit"
        i -= 1
    return header


def _is_list_head(head: str, items: int) -> bool:
    """Whether ``head`` heads a list of ``items`` headlines (mostly unpunctuated, none ending in a bare period:
    a quoted one, "… a revolution.”", happens; checked by the caller)."""
    if is_list_header(head):
        return True
    return len(words(head)) <= 5 and not is_sentence(head) and items >= 2


def _mark_captions(paragraphs: list[Paragraph], found: list, settings: Settings) -> None:
    """Credited captions, then the short lines that go with them (gallery and video titles)."""
    texts = [p.text for p in paragraphs]
    for i, text in enumerate(texts):
        if found[i] is None and len(text) <= settings.max_caption_chars and photo_credit(text):
            found[i] = "caption"
    repeated = Counter(t for t in texts if is_short_line(t, settings))
    titles: set[str] = set()
    for i in [i for i, role in enumerate(found) if role == "caption"]:
        # A short line repeated in the article, next to a credited caption at least once.
        titles.update(
            texts[k] for k in (i - 1, i + 1) if 0 <= k < len(texts) and found[k] is None and repeated[texts[k]] >= 2
        )
    blocks = _blocks(paragraphs)
    while True:
        # A short line of the same text block as a caption (text input keeps its lines).
        for block in blocks:
            if any(found[i] == "caption" or texts[i] in titles for i in block):
                titles.update(texts[i] for i in block if found[i] is None and is_short_line(texts[i], settings))
        marked = [i for i, text in enumerate(texts) if found[i] is None and text in titles]
        if not marked:
            break
        for i in marked:
            found[i] = "caption"


def _blocks(paragraphs: list[Paragraph]) -> list[list[int]]:
    """Runs of paragraphs read from consecutive raw lines (one block of the text input)."""
    blocks: list[list[int]] = []
    for i, paragraph in enumerate(paragraphs):
        previous = paragraphs[i - 1] if i else None
        if previous is not None and previous.line is not None and paragraph.line == previous.line + 1:
            blocks[-1].append(i)
        else:
            blocks.append([i])
    return [b for b in blocks if len(b) > 1]


def _mark_headings(paragraphs: list[Paragraph], found: list, settings: Settings) -> None:
    following_of: list[int | None] = [None] * len(paragraphs)  # the next paragraph without a role, for each
    following = None
    for i in range(len(paragraphs) - 1, -1, -1):
        following_of[i] = following
        if found[i] is None:
            following = i
    for i, paragraph in enumerate(paragraphs):
        if found[i] is not None or not is_short_line(paragraph.text, settings):
            continue
        following = following_of[i]
        if following is not None and not is_short_line(paragraphs[following].text, settings):
            found[i] = "heading"
