"""spaCy imported without its command line, once per process.

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
"""

from __future__ import annotations

import sys
import types


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


def stop_words() -> frozenset[str]:
    """spaCy's English stop words."""
    import_spacy()
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
