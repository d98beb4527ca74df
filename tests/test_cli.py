import json
import re

from click.testing import CliRunner

from newsdesk.cli import main

LIGHT = ["--set", 'pipeline.steps=["normalize"]']


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_add_articles_show_export(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "one.txt").write_text("The title\n\nA body paragraph here.\n")
    db = str(tmp_path / "d.db")
    result = run("add", str(tmp_path / "in"), "--db", db, "--no-progress", *LIGHT)
    assert result.exit_code == 0, result.output
    assert "added 1, updated 0, unchanged 0, skipped 0" in result.output
    assert "one" in run("articles", "--db", db).output
    shown = run("show", "one", "--db", db).output
    assert "The title" in shown and "body" in shown and "L3" in shown
    out = tmp_path / "out.json"
    assert run("export", "--db", db, "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())["articles"][0]["id"] == "one"


def test_stdin_jsonl(tmp_path):
    db = str(tmp_path / "d.db")
    lines = '{"id": "j1", "title": "T", "text": "Body."}\nnot json\n'
    result = run("add", "-", "--db", db, "--no-progress", *LIGHT, input=lines)
    assert result.exit_code == 0
    assert "added 1" in result.output and "bad_record" in result.output


def test_library_errors_exit_1_with_one_line(tmp_path):
    result = run("show", "nope", "--db", str(tmp_path / "missing.db"))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "no desk at" in result.output
    bad = run("add", str(tmp_path / "absent.txt"), "--db", str(tmp_path / "d.db"))
    assert bad.exit_code == 1 and "does not exist" in bad.output
    typo = run("add", str(tmp_path), "--db", str(tmp_path / "d.db"), "--set", "pipeline.stepz=[]")
    assert typo.exit_code == 1 and "unknown setting" in typo.output


def test_usage_errors_exit_2():
    assert run("export").exit_code == 2
    assert run("add").exit_code == 2


# -- for people: the PATH, id prefixes, whole claims, progress, undated inputs ------------------------------------


def test_readme_says_how_newsdesk_gets_on_the_path():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/newsdesk" in readme and "source .venv/bin/activate" in readme


def _two_stories(tmp_path, *extra):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a1.txt").write_text("Floods hit the valley\n\nThe river rose two metres overnight.\n")
    (folder / "b2.txt").write_text("Parliament passes budget\n\nThe vote was close.\n")
    db = str(tmp_path / "d.db")
    assert (
        run("add", str(folder), "--db", db, "--no-progress", "--published", "2024-01-02", *LIGHT, *extra).exit_code == 0
    )
    return db


def test_every_command_accepts_a_unique_id_prefix_it_prints(tmp_path):
    from newsdesk import Desk

    db = _two_stories(tmp_path, "--set", 'pipeline.steps=["normalize", "stories"]')
    listed = run("articles", "--db", db).output.splitlines()
    short_story = re.search(r"\s([0-9a-f]{12})\s", listed[0]).group(1)  # the table cuts story ids at 12
    shown = run("story", short_story, "--db", db)
    assert shown.exit_code == 0 and "Floods hit the valley" in shown.output
    assert run("claims", "--story", short_story, "--db", db).exit_code == 0
    assert "The river rose" in run("show", "a", "--db", db).output
    with Desk(db) as desk:
        assert desk.article("b").id == "b2" and desk.story(short_story).id.startswith(short_story)


def test_an_ambiguous_or_unknown_prefix_says_so(tmp_path):
    db = _two_stories(tmp_path)
    (tmp_path / "in2").mkdir()
    (tmp_path / "in2" / "a3.txt").write_text("Another\n\nBody.\n")
    run("add", str(tmp_path / "in2"), "--db", db, "--no-progress", *LIGHT)
    ambiguous = run("show", "a", "--db", db)
    assert ambiguous.exit_code == 1 and "several article ids" in ambiguous.output
    missing = run("story", "ffff", "--db", db)
    assert missing.exit_code == 1 and "no story with id" in missing.output


def test_claims_wide_shows_speakers_and_contents_whole():
    from newsdesk.model import Article, Claim, Span
    from newsdesk.render import claims_table

    speaker = "the leader of the Russian Volunteer Corps, one of the two formations that took part in the raid"
    content = "Once again, when we cross the border, we see that the army and the authorities are not prepared " * 2
    article = Article(id="a1", title="T")
    claim = Claim(id="c1", span=Span(0, 0, 10), content=content, speaker_text=speaker, cue="said")
    narrow = claims_table([(article, claim)])
    assert speaker not in narrow and "…" in narrow
    wide = claims_table([(article, claim)], wide=True, columns=140)
    words = " ".join(line[26:] for line in wide.splitlines()[1:-1])
    assert all(word in words.split() for word in (speaker + " " + content).split())
    assert max(len(line) for line in wide.splitlines()) <= 140
    assert "--wide" in run("claims", "--help").output


def test_add_dedup_and_export_show_a_progress_bar_with_total_rate_and_time_left(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    lines = "".join(
        json.dumps({"id": f"r{i}", "title": f"Title {i}", "text": f"Body {i} of the record."}) + "\n" for i in range(3)
    )
    (folder / "records.jsonl").write_text(lines)
    (folder / "one.txt").write_text("The title\n\nA body paragraph here.\n")
    db = str(tmp_path / "d.db")
    added = CliRunner().invoke(main, ["add", str(folder), "--db", db, "--progress", *LIGHT])
    assert added.exit_code == 0 and "4/4" in added.stderr and "left" in added.stderr
    exported = CliRunner().invoke(main, ["export", "--db", db, "-o", str(tmp_path / "o.json"), "--progress"])
    assert exported.exit_code == 0 and "11/11" in exported.stderr and "sections/s" in exported.stderr
    deduped = CliRunner().invoke(main, ["dedup", str(folder), "--progress"])
    assert deduped.exit_code == 0 and "4/4" in deduped.stderr


def test_count_of_inputs_before_reading(tmp_path):
    from newsdesk import ingest

    (tmp_path / "r.jsonl").write_text('{"id": "a"}\n\n{"id": "b"}\n')
    (tmp_path / "t.txt").write_text("T\n\nB\n")
    assert ingest.count([str(tmp_path)]) == 3
    (tmp_path / "f.rss").write_text("<rss/>")
    assert ingest.count([str(tmp_path)]) is None  # a feed's entries are not known before reading it


def test_inputs_without_a_date_get_a_warning_with_the_flag_that_supplies_one(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "one.txt").write_text("The title\n\nA body paragraph here.\n")
    db = str(tmp_path / "d.db")
    undated = CliRunner().invoke(main, ["add", str(tmp_path / "in"), "--db", db, "--no-progress", *LIGHT])
    assert "no publication date" in undated.stderr and "--published" in undated.stderr
    dated = CliRunner().invoke(
        main,
        [
            "add",
            str(tmp_path / "in"),
            "--db",
            str(tmp_path / "e.db"),
            "--no-progress",
            "--published",
            "2024-01-02",
            *LIGHT,
        ],
    )
    assert dated.exit_code == 0 and "no publication date" not in dated.stderr
