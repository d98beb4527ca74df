"""spaCy imported without its command line, once per process.

``spacy/__init__.py`` imports ``spacy.cli`` only to re-export ``spacy.info``;
that package pulls in typer, weasel, requests, httpx, rich and jinja2 (~360
modules, ~0.2 s of CPU: an eighth of a one-article ``add``), none of which the
pipeline calls. Placeholders stand in for ``spacy.cli`` while ``spacy`` is
imported and are removed right after, so ``import spacy.cli`` (or calling
``spacy.info``) still imports the real one.
"""

from __future__ import annotations

import sys
import types


def import_spacy():
    """The ``spacy`` module (imported here first: without ``spacy.cli``)."""
    if "spacy" in sys.modules:
        import spacy

        return spacy
    cli, info = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")
    cli.__path__ = []  # a package, as far as ``from .cli.info import info`` is concerned
    info.info = _info
    placeholders = {"spacy.cli": cli, "spacy.cli.info": info}
    if any(name in sys.modules for name in placeholders):  # imported for real already: nothing to spare
        placeholders = {}
    sys.modules.update(placeholders)
    try:
        import spacy
    finally:
        for name, module in placeholders.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return spacy


def _info(*args, **kwargs):
    """``spacy.info``, from the real ``spacy.cli`` (imported on first call)."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def stop_words() -> frozenset[str]:
    """spaCy's English stop words."""
    import_spacy()
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
