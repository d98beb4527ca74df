"""Shared fixtures: paths to the seeds and the labelled data, an in-memory desk."""
from __future__ import annotations

from pathlib import Path

import pytest

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
