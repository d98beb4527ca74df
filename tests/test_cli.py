import json

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
