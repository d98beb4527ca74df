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
    """py3langid's identifier over its model decompressed once into the cache directory (decompressing the
    packaged LZMA file costs every process 0.4 s) and memory-mapped from there (reading the 68 MB file cost each
    start 0.15 s; a text reads only the pages of its own features, shared by all processes): the same numbers as
    py3langid's own loader gives, its state table a view on the file (indexed like the loader's array)."""
    from importlib.metadata import version

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    from py3langid.modelio import _to_array, load_model

    from ..cache import built

    def write(path: str) -> None:
        ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
        arrays = {"ptc": ptc, "pc": pc, "classes": np.array(classes), "nextmove": np.frombuffer(nextmove, np.uint32)}
        arrays.update(row=np.frombuffer(row, np.uint16), output=np.array(output, np.int64))
        _write_arrays(path, arrays)

    data = _mapped_arrays(built(f"py3langid-mapped-1-{version('py3langid')}.bin", write, "py3langid-"))
    return LanguageIdentifier(
        data["ptc"],
        np.array(data["pc"]),
        data["classes"].tolist(),
        memoryview(data["nextmove"]),
        data["output"].tolist(),
        tk_row=_to_array(data["row"]),
    )


def _write_arrays(path: str, arrays: dict) -> None:
    """numpy arrays back to back, each at a multiple of 64 bytes, after a JSON header naming their dtype, shape
    and offset (8 bytes of header length first)."""
    import json

    header, offset = {}, 0
    for name, array in arrays.items():
        header[name] = {"dtype": array.dtype.str, "shape": array.shape, "offset": offset}
        offset += -(-array.nbytes // 64) * 64
    text = json.dumps(header).encode()
    start = -(-(8 + len(text)) // 64) * 64
    with open(path, "wb") as handle:  # a path without a known extension: written as given
        handle.write(len(text).to_bytes(8, "little") + text)
        for name, array in arrays.items():
            handle.seek(start + header[name]["offset"])
            handle.write(array.tobytes())
        handle.truncate(start + offset)


def _mapped_arrays(path: str) -> dict:
    """The arrays of :func:`_write_arrays`, memory-mapped read-only."""
    import json

    import numpy as np

    with open(path, "rb") as handle:
        size = int.from_bytes(handle.read(8), "little")
        header = json.loads(handle.read(size))
    start = -(-(8 + size) // 64) * 64
    mapped = np.memmap(path, mode="r")
    arrays = {}
    for name, item in header.items():
        dtype, shape = np.dtype(item["dtype"]), tuple(item["shape"])
        nbytes = dtype.itemsize * int(np.prod(shape))
        begin = start + item["offset"]
        arrays[name] = mapped[begin : begin + nbytes].view(dtype).reshape(shape)
    return arrays


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
