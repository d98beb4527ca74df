"""Unicode NFC, one form per quote and dash, tidy whitespace.

Typographic quotes stay typographic (“ ” ‘ ’) because they carry the
open/close information the claim finder uses; exotic variants (low-9, guillemets,
primes, full-width) are mapped onto them. Each paragraph keeps its raw text.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import Article
from ..pipeline import step

_TRANSLATE = str.maketrans(
    {
        "\u201e": "\u201c",
        "\u201f": "\u201c",
        "\u00ab": "\u201c",
        "\u00bb": "\u201d",
        "\u2033": "\u201d",
        "\uff02": '"',
        "\u301d": "\u201c",
        "\u301e": "\u201d",
        "\u201a": "\u2018",
        "\u201b": "\u2018",
        "\u2039": "\u2018",
        "\u203a": "\u2019",
        "\u2032": "\u2019",
        "\u00b4": "\u2019",
        "\uff07": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2043": "-",
        "\u2212": "-",
        "\ufe63": "-",
        "\uff0d": "-",
        "\u2012": "\u2013",
        "\u2015": "\u2014",
        "\ufe58": "\u2014",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u3000": " ",
        "\t": " ",
        "\r": " ",
        "\n": " ",
        "\u2028": " ",
        "\u2029": " ",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
)
_SPACES = re.compile(r" {2,}")


def text(value: str) -> str:
    """The normal form of one paragraph or title. Idempotent."""
    value = unicodedata.normalize("NFC", value).translate(_TRANSLATE)
    value = "".join(c for c in value if unicodedata.category(c) != "Cc")
    return _SPACES.sub(" ", value).strip()


@step("normalize", assigns=("text",))
def make_normalize(config, desk):
    """Unicode NFC, quote and dash variants, whitespace (each paragraph keeps its raw text)."""

    def normalize(article: Article) -> None:
        article.title = text(article.title)
        article.paragraphs = [p for p in article.paragraphs if text(p.text)]
        for index, paragraph in enumerate(article.paragraphs):
            paragraph.index = index
            paragraph.text = text(paragraph.text)

    return normalize
