from hypothesis import given, strategies as st

from newsdesk.clean.normalize import text


def test_variants_become_one_form():
    assert text("„Quote‟ and «guillemets»") == "“Quote“ and “guillemets”"
    assert text("a\u00a0b\u2009c  d\te") == "a b c d e"
    assert text("co\u00adoperate\u200b") == "cooperate"
    assert text("2\u20123 and 5\u22124") == "2–3 and 5-4"
    assert text("Cafe\u0301") == "Café"


@given(st.text())
def test_normalising_twice_changes_nothing(value):
    once = text(value)
    assert text(once) == once


@given(st.text())
def test_result_has_no_runs_of_space_or_control_characters(value):
    result = text(value)
    assert "  " not in result
    assert result == result.strip()
    assert not any(ord(c) < 32 for c in result)
