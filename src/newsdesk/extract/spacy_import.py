"""spaCy imported, and its models loaded, without work a one-article ``add`` throws away.

``spacy/__init__.py`` imports ``spacy.cli`` only to re-export ``spacy.info``;
that package pulls in typer, weasel, requests, httpx, rich and jinja2 (~360
modules, ~0.2 s of CPU: an eighth of a one-article ``add``), none of which the
pipeline calls. Placeholders stand in for ``spacy.cli`` while ``spacy`` is
imported and are removed right after, so ``import spacy.cli`` (or calling
``spacy.info``) still imports the real one.

Loading a model looks names up in spaCy's registries (catalogue), and each
lookup selects the installed packages' entry points again: srsly does one for
every msgpack read (~250 scans of every entry point, ~0.04 s per model load).
The entry points are read once per process anyway; each group is now selected
once.

A model loads its tokenizer from its package after spaCy's factory has built
one from the language defaults (~1,300 special cases, prefix and suffix
patterns: ~0.06 s). ``Tokenizer.from_bytes`` resets every setting before it
reads the saved ones (and ``Vocab.from_disk`` drops the lexemes made so far),
so that first build is lost work: a model that declares spaCy's own tokenizer
and ships it (``tokenizer`` in its data directory) starts from an empty one.
"""

from __future__ import annotations

import functools
import sys
import types

EMPTY_TOKENIZER = "newsdesk.EmptyTokenizer.v1"


def import_spacy():
    """The ``spacy`` module (imported here first: without ``spacy.cli``), its registries' entry points selected once."""
    if "spacy" not in sys.modules:
        _import_without_cli()
    _select_once()
    import spacy

    return spacy


def _import_without_cli() -> None:
    cli, info = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")
    cli.__path__ = []  # a package, as far as ``from .cli.info import info`` is concerned
    info.info = _info
    placeholders = {"spacy.cli": cli, "spacy.cli.info": info}
    if any(name in sys.modules for name in placeholders):  # imported for real already: nothing to spare
        placeholders = {}
    sys.modules.update(placeholders)
    try:
        import spacy  # noqa: F401
    finally:
        for name, module in placeholders.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _info(*args, **kwargs):
    """``spacy.info``, from the real ``spacy.cli`` (imported on first call)."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def load_model(name: str, disable: list[str]):
    """``spacy.load(name, disable=disable)``, the tokenizer read from the model package only (see above)."""
    spacy = import_spacy()
    if not _ships_spacy_tokenizer(name):
        return spacy.load(name, disable=disable)
    if EMPTY_TOKENIZER not in spacy.registry.tokenizers:
        spacy.registry.tokenizers(EMPTY_TOKENIZER, func=_empty_tokenizer)
    return spacy.load(name, disable=disable, config={"nlp": {"tokenizer": {"@tokenizers": EMPTY_TOKENIZER}}})


def _empty_tokenizer():
    from spacy.tokenizer import Tokenizer

    return lambda nlp: Tokenizer(nlp.vocab)


def _ships_spacy_tokenizer(name: str) -> bool:
    """Whether ``name`` is an installed model package whose config names spaCy's own tokenizer and whose data
    directory holds its saved state (else the model is loaded as spaCy loads it)."""
    try:
        from spacy import util

        package = util.get_package_path(name)
        meta = util.get_model_meta(package)
        data = package / f"{meta['lang']}_{meta['name']}-{meta['version']}"
        tokenizer = util.load_config(data / "config.cfg", interpolate=False)["nlp"]["tokenizer"]
        return dict(tokenizer) == {"@tokenizers": "spacy.Tokenizer.v1"} and (data / "tokenizer").is_file()
    except Exception:  # a path, a package laid out otherwise: spaCy's own way
        return False


class _Groups:
    """catalogue's entry points, each group selected once (they are read once per process)."""

    def __init__(self, points):
        self.points, self.groups = points, {}

    def select(self, **params):
        if list(params) != ["group"]:
            return self.points.select(**params)
        group = params["group"]
        if group not in self.groups:
            self.groups[group] = self.points.select(group=group)
        return self.groups[group]


def _select_once() -> None:
    import catalogue

    points = getattr(catalogue, "AVAILABLE_ENTRY_POINTS", None)
    if hasattr(points, "select") and not isinstance(points, _Groups):
        catalogue.AVAILABLE_ENTRY_POINTS = _Groups(points)


@functools.lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words (built once per process)."""
    import_spacy()
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
