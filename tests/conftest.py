"""Shared fixtures: paths to the seeds and the labelled data, an in-memory desk."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadline: a loaded CI machine must not fail a test on time (speed is for bench/).
settings.register_profile("newsdesk", deadline=None)
settings.load_profile("newsdesk")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).parent / "fixtures"


def need(path: Path) -> Path:
    """Skip the test with a clear message when the shared data is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data folder (../shared) is not next to this checkout")
    return path


@pytest.fixture
def seeds() -> Path:
    return need(SEEDS)


@pytest.fixture
def data() -> Path:
    return need(DATA)


@pytest.fixture
def desk():
    from newsdesk import Desk

    with Desk(":memory:") as d:
        yield d


@pytest.fixture
def light_desk():
    """A desk whose pipeline stops after cleaning (no spaCy): fast tests of ingest and store."""
    from newsdesk import Desk

    with Desk(":memory:", overrides=['pipeline.steps=["normalize"]']) as d:
        yield d


# An article whose text carries markup: the web pages must show it as text (tests/test_web_*.py).
MARKUP_ARTICLE = {
    "id": "markup-1",
    "title": "<script>window.pwned = 1</script>Harbor council meets",
    "published": "2025-02-03",
    "source": "Test Wire",
    "text": 'The council met on Monday. <a href="javascript:window.pwned=2">Read more</a> '
    'said the clerk.\n\n<img src=x onerror="window.pwned=3"> The vote was 5 to 2.',
}


@pytest.fixture(scope="session")
def web_desk(tmp_path_factory) -> Path:
    """A desk file built once per session (the spaCy pipeline runs once): examples/, the seeds when ../shared is
    present, and an article carrying markup."""
    import json

    from newsdesk import Desk

    folder = tmp_path_factory.mktemp("web")
    markup = folder / "markup.jsonl"
    markup.write_text(json.dumps(MARKUP_ARTICLE) + "\n", encoding="utf-8")
    inputs = [str(EXAMPLES), str(markup)] + ([str(SEEDS)] if SEEDS.exists() else [])
    with Desk(folder / "desk.db") as desk:
        desk.add(inputs)
    return folder / "desk.db"
