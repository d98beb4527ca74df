"""Languages, honestly: detection, a given language respected, and no English-rule facts from other languages.

The articles are short texts written for these tests.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from newsdesk import Desk
from newsdesk.clean.language import base, detect, make_language, region
from newsdesk.cli import main
from newsdesk.errors import ConfigError
from newsdesk.model import UNSUPPORTED_LANGUAGE, Article, Note, Paragraph

SPANISH = """Ataque con drones en la región de Belgorod deja dos heridos

MOSCÚ, 23 may (EFE).- Dos personas resultaron heridas este martes en un ataque con drones contra la localidad \
de Kozinka, en la región de Belgorod, fronteriza con Ucrania, informó el gobernador regional.

Según el gobernador, los drones alcanzaron varias viviendas. Las autoridades evacuaron a unos cien vecinos \
del pueblo, y el ministerio afirmó que más de setenta combatientes fueron abatidos en los combates.
"""

RUSSIAN = """Беспилотники атаковали село в Белгородской области

БЕЛГОРОД, 23 мая. Два человека получили ранения в результате атаки беспилотников на село Козинка \
Белгородской области, сообщил губернатор региона Вячеслав Гладков.

По словам губернатора, повреждены несколько жилых домов. Около ста жителей были эвакуированы, \
заявили в министерстве обороны, где сообщили, что более семидесяти боевиков были уничтожены.
"""

ENGLISH = """Drone attack wounds two in Belgorod region

MOSCOW, May 23 (Reuters) - Two people were wounded on Tuesday when drones struck the village of Kozinka in \
Russia's Belgorod region, the regional governor said.

The governor said several houses were hit, and about a hundred residents were evacuated.
"""


def write(tmp_path, name, text, meta=None):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    if meta is not None:
        path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    return path


@pytest.mark.parametrize("detector", ["py3langid", "lingua"])
@pytest.mark.parametrize("text, code", [(ENGLISH, "en"), (SPANISH, "es"), (RUSSIAN, "ru")])
def test_both_detectors_tell_the_language_of_an_article(detector, text, code):
    if detector == "lingua":
        pytest.importorskip("lingua", reason="lingua-language-detector is an extra: pip install 'newsdesk[lingua]'")
    assert detect(text, detector) == code


def test_too_short_a_text_has_no_language():
    assert detect("Kyiv 3", "py3langid") is None
    assert detect("", "py3langid") is None


def test_language_tags_split_into_language_and_region():
    assert (base("en-GB"), region("en-GB")) == ("en", "GB")
    assert (base("pt_BR"), region("pt_BR")) == ("pt", "BR")
    assert (base("EN"), region("EN")) == ("en", None)
    assert base("  ") is None and base(None) is None


def test_an_unknown_detector_is_a_config_error():
    with pytest.raises(ConfigError, match="py3langid"):
        make_language({"detector": "guess"}, None)


def test_a_declared_page_language_stands_only_when_the_text_is_too_short():
    step = make_language({}, None)
    short = Article(
        id="s", title="Kyiv", paragraphs=[Paragraph(0, "3 June", "3 June")], metadata={"declared_language": "uk-UA"}
    )
    step(short)
    assert short.language == "uk" and not short.supported
    wrong = Article(id="w", title="", paragraphs=[Paragraph(0, SPANISH, SPANISH)], metadata={"declared_language": "en"})
    step(wrong)
    assert wrong.language == "es"


@pytest.fixture(scope="module")
def desk_with_three(tmp_path_factory):
    folder = tmp_path_factory.mktemp("languages")
    for name, text in (("es", SPANISH), ("ru", RUSSIAN), ("en", ENGLISH)):
        write(folder, name, text, {"published": "2023-05-23"})
    with Desk(":memory:") as desk:
        desk.add(str(folder))
        yield desk


@pytest.mark.parametrize("article_id, code", [("es", "es"), ("ru", "ru")])
def test_an_article_in_a_language_without_pipeline_gets_a_note_and_no_english_rule_facts(
    desk_with_three, article_id, code
):
    article = desk_with_three.article(article_id)
    assert article.language == code
    assert [n.code for n in article.notes] == [UNSUPPORTED_LANGUAGE] and not article.supported
    assert (article.entities, article.dates, article.quantities, article.claims) == ([], [], [], [])
    assert "parse" not in article.steps and "dedup" not in article.steps  # dedup is a desk step: not listed
    assert article.story is not None  # kept and placed in a story
    doc = desk_with_three.export()
    record = next(a for a in doc["articles"] if a["id"] == article_id)
    assert record["language"] == code and record["notes"][0]["code"] == UNSUPPORTED_LANGUAGE
    assert not any(m["article"] == article_id for e in doc["entities"] for m in e["mentions"])
    assert not [q for q in doc["quantities"] if q["article"] == article_id]


def test_no_event_comes_from_an_unsupported_article():
    from newsdesk.reconcile.events import events

    text = "Miles de manifestantes protestaron contra los ataques con drones y misiles."
    article = Article(
        id="es", title="", paragraphs=[Paragraph(0, text, text)], notes=[Note(UNSUPPORTED_LANGUAGE, "es")]
    )
    assert events("story", [article], {}, []) == []
    article.notes = []  # the same text read by English rules: "protest", "drones" would type events
    assert events("story", [article], {}, [])


def test_the_dateline_of_an_unsupported_article_is_still_read(desk_with_three):
    line = desk_with_three.article("es").dateline
    assert (line.place, line.date, line.credit) == ("MOSCÚ", "2023-05-23", "EFE")


def test_an_english_article_runs_the_whole_pipeline(desk_with_three):
    article = desk_with_three.article("en")
    assert article.language == "en" and article.supported and not article.notes
    assert article.entities and article.dates and article.quantities
    assert {"parse", "entities", "places", "dates", "quantities", "claims"} <= set(article.steps)


def test_cli_articles_and_show_display_language_and_note(tmp_path):
    write(tmp_path, "es", SPANISH, {"published": "2023-05-23"})
    db = str(tmp_path / "n.db")
    runner = CliRunner()
    assert runner.invoke(main, ["add", str(tmp_path / "es.txt"), "--db", db]).exit_code == 0
    listed = runner.invoke(main, ["articles", "--db", db]).output
    assert " es " in listed and "[unsupported_language]" in listed
    shown = runner.invoke(main, ["show", "es", "--db", db]).output
    assert "language: es" in shown and "unsupported_language" in shown and "dateline: MOSCÚ, 2023-05-23, EFE" in shown


def test_a_language_given_by_the_user_is_respected(tmp_path):
    # declared Spanish: no English rules run, though the text is English
    write(tmp_path, "given-es", ENGLISH, {"published": "2023-05-23", "language": "es"})
    # declared English: the whole pipeline runs, though the detector would say Spanish
    write(tmp_path, "given-en", SPANISH, {"published": "2023-05-23", "language": "en-GB"})
    with Desk(":memory:") as desk:
        desk.add(str(tmp_path))
        given_es, given_en = desk.article("given-es"), desk.article("given-en")
    assert given_es.language == "es" and not given_es.supported and "given with the input" in given_es.notes[0].detail
    assert given_en.language == "en-GB" and given_en.supported and "parse" in given_en.steps


def test_a_copy_of_an_unsupported_article_is_found_as_a_duplicate(tmp_path):
    write(tmp_path, "a", SPANISH, {"published": "2023-05-23"})
    write(tmp_path, "b", SPANISH, {"published": "2023-05-24"})
    with Desk(":memory:") as desk:
        desk.add(str(tmp_path))
        assert desk.article("b").duplicate_of == "a"
        assert desk.article("a").story == desk.article("b").story


def test_supported_languages_are_a_setting(tmp_path):
    write(tmp_path, "es", SPANISH, {"published": "2023-05-23"})
    with Desk(
        ":memory:", overrides=['language.supported=["en", "es"]', 'pipeline.steps=["normalize", "roles", "language"]']
    ) as desk:
        desk.add(str(tmp_path))
        assert desk.article("es").supported


def test_the_web_article_page_shows_language_dateline_and_note(tmp_path):
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'newsdesk[web]'")
    from fastapi.testclient import TestClient

    from newsdesk.web import create_app

    write(tmp_path, "es", SPANISH, {"published": "2023-05-23"})
    db = tmp_path / "web.db"
    with Desk(db) as desk:
        desk.add(str(tmp_path / "es.txt"))
    page = TestClient(create_app(db)).get("/articles/es").text
    assert "unsupported_language" in page and "· es" in page and "dateline MOSCÚ, 2023-05-23 (EFE)" in page
