"""Glued-word repair (sentences written for the tests), its properties, the step and the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.clean import glue
from newsdesk.errors import ConfigError
from newsdesk.model import TITLE, Article, Paragraph

ANNOTATIONS = Path(__file__).resolve().parents[1] / "bench" / "annotations"
STEPS = 'pipeline.steps=["normalize","roles","glue"]'


def fixed(text: str) -> str:
    return glue.repair(text).text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The storm hit Kharvilleduring the night.", "The storm hit Kharville during the night."),
        ("The group of “rebels”as they are known", "The group of “rebels” as they are known"),
        ("residents said“we are afraid”", "residents said “we are afraid”"),
        ("said Morrowwho lives nearby", "said Morrow who lives nearby"),
        ("at the Royal Institutea respected research centre", "at the Royal Institute a respected research centre"),
        (
            "the army said it was ready to attacksince the bridge fell",
            "the army said it was ready to attack since the bridge fell",
        ),
        ("Police said Corvellathe suspect ran", "Police said Corvella the suspect ran"),
        ("the minister Tavrashovpromised a quick response", "the minister Tavrashov promised a quick response"),
        ("the river rose.The town was flooded", "the river rose. The town was flooded"),
        ("a statement from Smith,who was not hurt", "a statement from Smith, who was not hurt"),
        ("the Electoral Office(ELO)said on Monday", "the Electoral Office (ELO) said on Monday"),
    ],
)
def test_glued_words_are_separated(text, expected):
    assert fixed(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a counteroffensive and an ultranationalist group",
        "Residents of Brovinka fled when Brovinka was shelled.",
        "the agency novinform said",
        "Hasan said that Sonya cannot come",
        "friend(s) and 3.5 million",
        "see example.com/newsToday and www.Newsdesk.org or mail@Example.org",
        "the U.S.Army and a.m.Tuesday",
        "Kharvilleduring",  # nothing follows: a rare name, not glue
        "The Charisha Jones case",
        "you;re",
        "WASHINGTONPOST",
        "the lockdowns were lifted and birdshot was found",
        "a call to the Crimeline at the station and the MeetMe app",
        "a post tagged #CharlestonShooting today",
        "at Benchwarmer early on",
    ],
)
def test_words_and_names_stay_whole(text):
    assert fixed(text) == text


def test_repairs_point_at_the_new_text():
    result = glue.repair("Hello Kharvilleduring the night and “rebels”as known")
    assert [(before, after) for _, _, before, after in result.repairs] == [
        ("Kharvilleduring", "Kharville during"),
        ("rebels”as", "rebels” as"),
    ]
    for start, end, _, after in result.repairs:
        assert result.text[start:end] == after


def test_corpus_vocabulary_keeps_a_corpus_word_whole():
    settings_ = glue.Settings.from_config()
    text = "the new trackfor riders opened"
    assert glue.repair(text, glue.Vocabulary(text, settings_)).text == "the new track for riders opened"
    corpus = glue.Corpus()
    corpus.add(["trackfor"] * settings_.corpus_min_count)
    assert glue.repair(text, glue.Vocabulary(text, settings_, corpus)).text == text


def test_a_name_seen_in_the_document_is_a_word():
    text = "Talks resumed in Verlaskovobordering the river."
    assert fixed(text) == text  # an unknown name before a rare verb form: kept whole
    article = Article(id="a", title="Talks in Verlaskovo", paragraphs=[Paragraph(0, text, text)])
    glue.repair_article(article)
    assert article.paragraphs[0].text == "Talks resumed in Verlaskovo bordering the river."


def test_repair_article_records_title_and_paragraph_repairs():
    article = Article(
        id="a",
        title="Officials at the Royal Institutea respected centre speak",
        paragraphs=[Paragraph(0, "He spoke to Morrowwho was there.", "He spoke to Morrowwho was there.")],
    )
    glue.repair_article(article)
    assert [(r.paragraph, r.before, r.after) for r in article.repairs] == [
        (TITLE, "Institutea", "Institute a"),
        (0, "Morrowwho", "Morrow who"),
    ]
    for r in article.repairs:
        assert article.paragraph_text(r.paragraph)[r.start : r.end] == r.after
    assert article.paragraphs[0].raw == "He spoke to Morrowwho was there."


def test_words_are_not_split_in_other_languages():
    article = Article(
        id="de",
        language="de",
        title="",
        paragraphs=[Paragraph(0, "Die Polizei sagte,dass Hauptstadtwho gestern“ruhig” war", "")],
    )
    glue.repair_article(article)
    assert article.paragraphs[0].text == "Die Polizei sagte, dass Hauptstadtwho gestern “ruhig” war"


def test_undeclared_german_text_keeps_its_words_and_quotes():
    text = (
        "Die Anbieter der Stadt haben “Designerinnen“ eingeladen, und die Hauptstadtwho bleibt ruhig, "
        "sagte die Sprecherin des Herstellers nachher. Das “schwarze Schaf“ unserer Familie ist eine alte "
        "Geschichte, die jeder kennt und die niemand mehr erzählen will, weil sie lang ist."
    )
    article = Article(id="de", paragraphs=[Paragraph(0, text, text)])
    assert not glue.looks_english(glue.tokens(text))
    glue.repair_article(article)
    assert article.paragraphs[0].text == text and article.repairs == []


def test_swedish_opening_quote_stays():
    assert fixed("Han sa ”Hej” och gick") == "Han sa ”Hej” och gick"


@pytest.mark.parametrize("lexicon", glue.LEXICONS)
def test_every_lexicon_loads(lexicon):
    words = glue.lexicon(lexicon)
    assert words["the"] > words["according"] > words["bordering"]


def test_unknown_lexicon_is_a_config_error():
    with pytest.raises(ConfigError, match="lexicon"):
        glue.Settings.from_config({"lexicon": "nosuchmodel"})


# the step --------------------------------------------------------------------
def test_step_repairs_and_counts_the_vocabulary():
    from newsdesk import Desk

    paragraph = "The storm hit Kharvilleduring the night and cut the power lines."
    with Desk(":memory:", overrides=[STEPS]) as desk:
        desk.add(Article(id="a", title="Storm", paragraphs=[Paragraph(0, paragraph, paragraph)]))
        stored = desk.article("a")
        assert stored.paragraphs[0].text.startswith("The storm hit Kharville during")
        assert [(r.before, r.after) for r in stored.repairs] == [("Kharvilleduring", "Kharville during")]
        counts = dict(desk.store.db.execute("SELECT token, count FROM vocabulary").fetchall())
        assert counts["Kharville"] == 1 and "Kharvilleduring" not in counts
        desk.remove("a")
        assert desk.store.db.execute("SELECT COUNT(*) FROM vocabulary").fetchone()[0] == 0


def test_corpus_vocabulary_persists_in_the_store(tmp_path):
    from newsdesk import Desk

    db = tmp_path / "news.db"
    earlier = "Riders took the trackfor a ride, then the trackfor a race and the trackfor fun."
    with Desk(db, overrides=[STEPS]) as desk:
        desk.add(Article(id="a", title="Night", paragraphs=[Paragraph(0, earlier, earlier)]))
    later = "Officials said the trackfor riders opened."
    with Desk(db, overrides=[STEPS]) as desk:
        desk.add(Article(id="b", title="Day", paragraphs=[Paragraph(0, later, later)]))
        assert desk.article("b").paragraphs[0].text == later
    with Desk(":memory:", overrides=[STEPS]) as desk:  # without that corpus the token is split
        desk.add(Article(id="b", title="Day", paragraphs=[Paragraph(0, later, later)]))
        assert desk.article("b").paragraphs[0].text == "Officials said the track for riders opened."


def test_step_can_be_switched_off():
    from newsdesk import Desk

    paragraph = "The storm hit Kharvilleduring the night."
    with Desk(":memory:", overrides=[STEPS, "glue.enabled=false"]) as desk:
        desk.add(Article(id="a", title="Storm", paragraphs=[Paragraph(0, paragraph, paragraph)]))
        assert desk.article("a").paragraphs[0].text == paragraph
        assert desk.article("a").repairs == []


# properties --------------------------------------------------------------------
pieces = st.sampled_from(
    [
        "the",
        "The",
        "who",
        "and",
        "Kharville",
        "during",
        "Morrow",
        "Institute",
        "a",
        "counteroffensive",
        "said",
        "rebels",
        "as",
        "“",
        "”",
        ".",
        ",",
        "(",
        ")",
        "3.5",
        "example.com",
        "Brovinka",
        "x",
        "Qz",
    ]
)
separators = st.sampled_from(["", " ", " ", "  ", "\n"])
texts = st.one_of(
    st.lists(st.tuples(pieces, separators), max_size=25).map(lambda items: "".join(p + s for p, s in items)),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
)


@settings(max_examples=300)
@given(texts)
def test_repair_only_inserts_spaces_and_is_idempotent(text):
    result = glue.repair(text)
    assert result.text.replace(" ", "") == text.replace(" ", "")
    assert len(result.text) - len(text) == result.text.count(" ") - text.count(" ")
    for start, end, before, after in result.repairs:
        assert result.text[start:end] == after
        assert after.replace(" ", "") == before.replace(" ", "") and len(after) > len(before)
    assert glue.repair(result.text).text == result.text


# the seeds -------------------------------------------------------------------------
def test_seed_repairs(seeds):
    from newsdesk import Desk

    labels = json.loads((ANNOTATIONS / "seeds_glue.json").read_text(encoding="utf-8"))
    edge = lambda s: s.strip("“”\"'.,")  # noqa: E731
    gold = {
        (aid, item["line"], edge(item["before"]), edge(item["after"]))
        for aid, items in labels["articles"].items()
        for item in items
    }
    with Desk(":memory:", overrides=[STEPS]) as desk:
        desk.add(sorted(seeds.glob("*.txt")))
        found = {
            (a.id, a.paragraphs[r.paragraph].line if r.paragraph >= 0 else 1, edge(r.before), edge(r.after))
            for a in desk.articles()
            for r in a.repairs
        }
    assert len(found & gold) / len(found) >= 0.95
    assert len(found & gold) / len(gold) >= 0.90
    keep = {k.lower() for k in labels["keep"]}
    assert not [f for f in found if f[2].lower() in keep]


def test_lowercase_word_glued_to_a_name_the_text_uses_is_split():
    text = "Camps near Tarnow are full. Cholera spread in the camps aroundTarnow since May."
    assert "around Tarnow since" in glue.repair(text).text
    brand = "She watched it on YouTube and on her iPhone while the macOS update ran."
    assert glue.repair(brand).text == brand


def test_vocabulary_counts_each_stored_article_once_after_a_kill_and_a_retry(tmp_path):
    # an add killed after glue counted a batch, and a batch retried one article at a time, count every stored
    # article once, as a clean run does; an article that fails is not counted
    from newsdesk import Desk
    from newsdesk.pipeline import REGISTRY, step

    killing = [True]

    @step("toy_kill", scope="desk")
    def make_kill(config, desk):
        def kill(article):
            if article.id == "c" and killing[0]:
                raise KeyboardInterrupt  # the process dies here: not caught as an article's failure

        return kill

    @step("toy_fail", requires=("repairs",))
    def make_fail(config, desk):
        def fail(article):
            if article.id == "bad":
                raise ValueError("cannot read this one")

        return fail

    def vocabulary(desk: Desk) -> dict:
        return dict(desk.store.db.execute("SELECT token, count FROM vocabulary").fetchall())

    def articles(*ids):
        return [Article(id=i, title=f"Storm {i}", paragraphs=[Paragraph(0, f"Rain in {i}town.", "")]) for i in ids]

    steps = json.dumps(["normalize", "roles", "glue", "toy_fail", "dedup", "toy_kill"])
    overrides = [f"pipeline.steps={steps}", "pipeline.batch_size=8"]
    try:
        db = tmp_path / "news.db"
        with Desk(db, overrides=overrides) as desk:
            with pytest.raises(KeyboardInterrupt):
                desk.add(articles("a", "b", "bad", "c", "d"))
        killing[0] = False
        with Desk(":memory:", overrides=overrides) as clean:
            clean.add(articles("a", "b", "c", "d"))
            expected = vocabulary(clean)
        with Desk(db, overrides=overrides) as desk:
            summary = desk.add(articles("a", "b", "bad", "c", "d"))
            assert summary.unchanged == ["a", "b"] and [s.id for s in summary.skipped] == ["bad"]
            assert vocabulary(desk) == expected
    finally:
        REGISTRY.pop("toy_kill")
        REGISTRY.pop("toy_fail")
