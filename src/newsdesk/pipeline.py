"""Named steps that declare what they need and what they add.

A step is registered with :func:`step` on a *factory*: a function that takes
the step's config section and the desk (for steps that read or update what
the desk already holds) and returns a callable. Article steps are called as
``fn(article)`` and may offer ``fn.pipe(articles)`` to work on a batch (the
spaCy parse does); desk steps are called once per article, in arrival order,
after the article steps, inside the store transaction that saves the article:
they read what the desk holds, set the article's desk fields (``story``,
``duplicate_of``) and keep their own indexes through the store.

A step that applies rules or models of one language (English: the spaCy
parse, entities, dates, quantities, claims) is registered ``language_specific``:
it skips an article the ``language`` step marked ``unsupported_language``,
which keeps only what needs no language (dedup, re-use, stories).

Article steps after the last ``ordered`` one (an article step that reads what
earlier articles left in the desk, like glue's corpus vocabulary) depend on
the article alone: ``Desk.add(..., workers=N)`` runs them in worker processes
(:mod:`newsdesk.workers`) and the rest in arrival order in the desk's process,
so the result is the same with any number of workers.

``[pipeline] steps`` in the config lists the names in order. Building the
pipeline checks that every ``requires`` is assigned by an earlier step, so a
misordered or missing step is an error before any article is read.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Literal

from .errors import PipelineError, StoreError
from .model import Article

# Modules whose import registers the built-in steps. Kept light at import time:
# heavy libraries (spaCy, the gazetteer) load inside the factories.
BUILTIN_MODULES = (
    "newsdesk.clean.normalize",
    "newsdesk.clean.roles",
    "newsdesk.clean.language",
    "newsdesk.clean.glue",
    "newsdesk.extract.datelines",
    "newsdesk.extract.parse",
    "newsdesk.extract.entities",
    "newsdesk.extract.places",
    "newsdesk.extract.dates",
    "newsdesk.extract.quantities",
    "newsdesk.extract.claims",
    "newsdesk.dedup.fingerprint",
    "newsdesk.dedup.reuse",
    "newsdesk.stories.cluster",
    "newsdesk.reconcile.story",
)


@dataclass(frozen=True)
class StepInfo:
    name: str
    factory: Callable[..., Callable]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    scope: Literal["article", "desk"]
    doc: str
    language_specific: bool = False
    ordered: bool = False  # an article step reading desk state: runs in arrival order in the desk's process


REGISTRY: dict[str, StepInfo] = {}


def step(
    name: str,
    *,
    requires: Iterable[str] = (),
    assigns: Iterable[str] = (),
    scope: str = "article",
    language_specific: bool = False,
    ordered: bool = False,
):
    """Register ``factory(config, desk) -> callable`` as the step ``name`` (``language_specific``: it runs only on
    articles of a supported language; ``ordered``: an article step reading desk state, run in arrival order in the
    desk's process)."""
    if scope not in ("article", "desk"):
        raise ValueError(f"scope must be 'article' or 'desk', not {scope!r}")

    def register(factory: Callable) -> Callable:
        REGISTRY[name] = StepInfo(
            name,
            factory,
            tuple(requires),
            tuple(assigns),
            scope,
            (factory.__doc__ or "").strip(),
            language_specific,
            ordered,
        )
        return factory

    return register


def load_builtins() -> None:
    for module in BUILTIN_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:  # a real missing dependency, not a step not written yet
                raise


def resolve(names: Iterable[str]) -> list[StepInfo]:
    """The StepInfo of each name, checked for existence and order."""
    load_builtins()
    infos: list[StepInfo] = []
    assigned: set[str] = set()
    for name in names:
        info = REGISTRY.get(name)
        if info is None:
            known = ", ".join(sorted(REGISTRY))
            raise PipelineError(f"unknown step '{name}' in [pipeline] steps; known steps: {known}")
        missing = [r for r in info.requires if r not in assigned]
        if missing:
            raise PipelineError(
                f"step '{name}' requires {', '.join(missing)}, which no earlier step assigns; "
                f"put the step that assigns it before '{name}' in [pipeline] steps"
            )
        if info.scope == "article" and any(i.scope == "desk" for i in infos):
            raise PipelineError(f"article step '{name}' comes after a desk step; list article steps first")
        infos.append(info)
        assigned.update(info.assigns)
    return infos


@contextmanager
def _naming(name: str):
    """Mark an error raised inside step ``name`` with the step's name (for the skip that records it)."""
    try:
        yield
    except Exception as exc:
        if getattr(exc, "step", None) is None:
            try:
                exc.step = name
            except AttributeError:  # a built-in exception type without a __dict__
                pass
        raise


def describe(exc: BaseException) -> str:
    """What a failed step says in the ``failed`` skip: the step's name and the error."""
    step = getattr(exc, "step", None)
    return (f"step {step}: " if step else "") + f"{type(exc).__name__}: {exc}"


@dataclass
class Failure:
    """An article the article steps failed on, in place of its result (plain data: it crosses from a worker)."""

    article: Article  # as it was before the failing steps
    detail: str


class Pipeline:
    """The configured steps, built once per desk."""

    def __init__(self, config: dict[str, Any], desk: Any = None, scope: str | None = None):
        """All the steps, or only those of ``scope`` ("article": what a worker process needs, without a desk)."""
        self.infos = [info for info in resolve(config["pipeline"]["steps"]) if scope in (None, info.scope)]
        self.steps: list[tuple[StepInfo, Callable]] = [
            (info, info.factory(config.get(info.name, {}), desk)) for info in self.infos
        ]
        article_steps = [(info, fn) for info, fn in self.steps if info.scope == "article"]
        last = max((i for i, (info, _) in enumerate(article_steps) if info.ordered), default=-1)
        self.ordered, self.independent = article_steps[: last + 1], article_steps[last + 1 :]

    @property
    def names(self) -> list[str]:
        return [info.name for info in self.infos]

    def process(self, articles: list[Article]) -> list[Article]:
        """Run the article steps on a batch (in place) and return it."""
        self.prepare(articles)
        return self.extract(articles)

    def prepare(self, articles: list[Article]) -> list[Article]:
        """The article steps up to the last ``ordered`` one (in the desk's process, in arrival order)."""
        return self.run_steps(self.ordered, articles)

    def extract(self, articles: list[Article]) -> list[Article]:
        """The article steps that depend on the article alone (in a worker process with ``workers`` > 1)."""
        return self.run_steps(self.independent, articles)

    def extract_each(self, articles: list[Article]) -> list[Article | Failure]:
        """:meth:`extract`; should a step fail, each article alone again from where it was, so that only the one at
        fault becomes a :class:`Failure` and the others come out as they would have."""
        copies = [article.to_dict() for article in articles]
        try:
            return self.extract(articles)
        except StoreError:
            raise
        except Exception:
            pass
        results: list[Article | Failure] = []
        for data, read in zip(copies, articles):
            article = Article.from_dict(data)
            article.read_hash = read.read_hash
            try:
                results += self.extract([article])
            except StoreError:
                raise
            except Exception as exc:
                results.append(Failure(Article.from_dict(data), describe(exc)[:500]))
        return results

    @staticmethod
    def run_steps(steps: list[tuple[StepInfo, Callable]], articles: list[Article]) -> list[Article]:
        """Run ``steps`` (some of this pipeline's) on a batch, in place."""
        for info, fn in steps:
            chosen = [a for a in articles if a.supported] if info.language_specific else articles
            with _naming(info.name):  # an error names its step (``exc.step``), for the skip that records it
                pipe = getattr(fn, "pipe", None)
                if pipe is not None:
                    pipe(chosen)
                else:
                    for article in chosen:
                        fn(article)
            for article in chosen:
                article.steps.append(info.name)
        return articles

    def update(self, article: Article) -> None:
        """Run the desk steps for one article about to be stored."""
        for info, fn in self.steps:
            if info.scope == "desk":
                with _naming(info.name):
                    fn(article)

    def count(self, article: Article) -> None:
        """What the ordered article steps keep in the desk of an article being stored (glue's vocabulary), written
        in the article's own transaction: an article killed before it is stored is never counted."""
        for _, fn in self.ordered:
            count = getattr(fn, "count", None)
            if count is not None:
                count(article)

    def close(self, articles: list[Article | Failure]) -> None:
        for article in articles:
            if isinstance(article, Article):
                article.docs.clear()
