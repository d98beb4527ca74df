"""The language of each article, and an honest note when no pipeline reads it.

A language given with the input (a sidecar or JSONL ``language`` field, a
feed's language) is respected; otherwise it is detected from the title and
the content paragraphs with a detector whose model ships inside its wheel
(py3langid by default, lingua as the alternative; docs/notes/languages.md
compares them). An article whose language has no pipeline (``[language]
supported``) is kept, de-duplicated and clustered into stories, and carries an
``unsupported_language`` note: the language-specific steps (the spaCy parse,
entities, places, dates, quantities, claims) skip it, so no English rule
makes facts from a Spanish or Russian text.
"""

from __future__ import annotations

import functools
import re

from ..errors import ConfigError, MissingExtra
from ..model import UNSUPPORTED_LANGUAGE, Article, Note
from ..pipeline import step

DETECTORS = ("py3langid", "lingua")
LETTERS = re.compile(r"[^\W\d_]")


def base(tag: str | None) -> str | None:
    """The language of a tag without its region or script, lower case: "en-GB" → "en", "pt_BR" → "pt"."""
    if not tag or not tag.strip():
        return None
    return re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0] or None


def region(tag: str | None) -> str | None:
    """The region of a tag, upper case: "en-GB" → "GB", "en" → None."""
    parts = re.split(r"[-_]", (tag or "").strip())
    return parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 and parts[1].isalpha() else None


def sample(article: Article, max_chars: int) -> str:
    """The title and content paragraphs, up to ``max_chars`` characters."""
    text = "\n".join([article.title, *(p.text for p in article.content_paragraphs())])
    return text[:max_chars]


@functools.lru_cache(maxsize=1)
def _py3langid():
    """py3langid's identifier, its model decompressed once into the cache directory (decompressing the packaged
    LZMA file costs every process 0.4 s); the arrays are the ones py3langid's own loader makes."""
    from importlib.metadata import version

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    from py3langid.modelio import _to_array, load_model

    from ..cache import built

    def write(path: str) -> None:
        ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
        with open(path, "wb") as handle:  # np.savez would add ".npz" to a path
            np.savez(handle, ptc=ptc, pc=pc, classes=classes, nextmove=nextmove, row=row, output=output)

    with np.load(built(f"py3langid-{version('py3langid')}.npz", write, "py3langid-")) as data:
        return LanguageIdentifier(
            data["ptc"],
            data["pc"],
            data["classes"].tolist(),
            _to_array(data["nextmove"]),
            data["output"].tolist(),
            tk_row=_to_array(data["row"]),
        )


@functools.lru_cache(maxsize=1)
def _lingua():
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError:
        raise MissingExtra("lingua-language-detector", "lingua", '[language] detector = "lingua"') from None

    # low accuracy mode: trigram models only, about 10 times faster and lighter; article-length texts lose little
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def prepared(text: str) -> str:
    """``text`` lower-cased when most of its letters are capitals: the detectors learnt from ordinary case, and
    a transcript in capitals read as it is was taken for Nigerian Pidgin (bench/language.py)."""
    upper = sum(c.isupper() for c in text)
    return text.lower() if upper > sum(c.islower() for c in text) else text


def detect(text: str, detector: str = "py3langid", min_letters: int = 20) -> str | None:
    """The ISO 639-1 code of ``text``'s language, None when the text has too few letters to tell."""
    if len(LETTERS.findall(text)) < min_letters:
        return None
    text = prepared(text)
    if detector == "py3langid":
        return _py3langid().classify(text)[0]
    if detector == "lingua":
        found = _lingua().detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found is not None else None
    raise ConfigError(f"unknown [language] detector {detector!r}; choose one of {', '.join(DETECTORS)}")


@step("language", requires=("roles",), assigns=("language",))
def make_language(config, desk):
    """The article's language (given, else detected) and an unsupported_language note when no pipeline reads it."""
    detector = config.get("detector", "py3langid")
    if detector not in DETECTORS:
        raise ConfigError(f"unknown [language] detector {detector!r}; choose one of {', '.join(DETECTORS)}")
    supported = {base(code) for code in config.get("supported", ["en"])}
    max_chars, min_letters = config.get("max_chars", 2000), config.get("min_letters", 20)

    def language(article: Article) -> None:
        given = base(article.language) is not None
        if not given:  # a page's declared language only when the text is too short to tell
            article.language = detect(sample(article, max_chars), detector, min_letters) or base(
                article.metadata.get("declared_language")
            )
        article.notes = [n for n in article.notes if n.code != UNSUPPORTED_LANGUAGE]
        code = base(article.language)
        if code is not None and code not in supported:
            how = "given with the input" if given else f"detected by {detector}"
            article.notes.append(
                Note(
                    UNSUPPORTED_LANGUAGE,
                    f"language {code} ({how}) has no pipeline "
                    f"(supported: {', '.join(sorted(supported))}): no entities, places, dates, "
                    f"figures, claims or events were extracted",
                )
            )

    return language
