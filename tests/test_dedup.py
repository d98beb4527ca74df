"""Exact and near-duplicates: MinHash/LSH primitives, the desk step, and `newsdesk dedup`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk import Desk
from newsdesk.cli import main
from newsdesk.dedup import minhash
from newsdesk.dedup.fingerprint import fingerprint
from newsdesk.model import Article, Paragraph

STEPS = 'pipeline.steps=["normalize", "dedup", "reuse", "stories"]'

REPORT = [
    "The harbour authority of Port Elmer closed the northern quay on Monday after a crane collapsed onto a cargo ship during loading.",
    "Two dock workers were treated for minor injuries at the municipal hospital and released the same evening, a spokeswoman said.",
    "Engineers from the regional inspectorate will examine the crane's foundations, which were replaced three years ago at a cost of four million.",
    "Shipping companies were told to divert vessels to the southern terminal until the inspection ends, probably by the end of the week.",
]
OTHER = [
    "The city council of Lindmoor approved a new budget for public libraries on Thursday, adding evening hours at four branches.",
    "Council members debated for three hours before the vote, which passed with eleven votes in favour and two against.",
]


def article(article_id: str, paragraphs: list[str], title: str = "Crane collapse closes quay", **meta) -> Article:
    return Article(
        id=article_id,
        title=title,
        paragraphs=[Paragraph(index=i, text=t, raw=t) for i, t in enumerate(paragraphs)],
        **meta,
    )


@pytest.fixture
def desk():
    with Desk(":memory:", overrides=[STEPS]) as d:
        yield d


# primitives ------------------------------------------------------------------
def test_shingles_ignore_case_and_punctuation():
    assert np.array_equal(
        minhash.shingles("The crane, it fell!  Onto the ship."), minhash.shingles("the crane it fell onto the ship")
    )


def test_shingles_of_short_and_empty_text():
    assert len(minhash.shingles("")) == 0
    assert len(minhash.shingles("two words")) == 1  # fewer than 5 words: one shingle of all
    assert len(minhash.shingles("one two three four five six")) == 2


@settings(max_examples=60)
@given(st.lists(st.text(max_size=80), max_size=6))
def test_batch_hashing_equals_hashing_each_text(texts):
    batch = minhash.shingle_hashes_of(texts, 3)
    assert len(batch) == len(texts)
    for text, hashes in zip(texts, batch):
        assert np.array_equal(hashes, minhash.shingle_hashes(text, 3))


@settings(max_examples=60)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=120))
def test_vectorised_tokeniser_finds_the_regex_words(text):
    found = minhash.shingle_hashes(text, 1)
    tokens = minhash.words(text)
    assert len(found) == len(tokens)
    assert (found[:, None] == found[None, :]).tolist() == [[a == b for b in tokens] for a in tokens]


def test_jaccard_exact():
    a = minhash.shingles(" ".join(REPORT))
    assert minhash.jaccard(a, a) == 1.0
    assert minhash.jaccard(a, minhash.shingles(" ".join(OTHER))) == 0.0
    assert minhash.jaccard(minhash.EMPTY, minhash.EMPTY) == 1.0


def test_lsh_params_reach_the_recall_asked_at_the_threshold():
    for threshold in (0.5, 0.8, 0.9):
        bands, rows = minhash.lsh_params(threshold, 128, 0.995)
        assert bands * rows <= 128
        assert 1 - (1 - threshold**rows) ** bands >= 0.995
        # one more row per band would miss the target: the banding is the tightest that passes
        tighter_bands = 128 // (rows + 1)
        assert 1 - (1 - threshold ** (rows + 1)) ** tighter_bands < 0.995


def test_estimate_tracks_exact_jaccard_on_long_texts():
    rng = np.random.default_rng(3)
    words = [f"w{n}" for n in rng.integers(0, 5000, 2000)]
    edited = [w if rng.random() > 0.03 else "changed" for w in words]
    a, b = minhash.shingles(words), minhash.shingles(edited)
    hasher = minhash.Hasher()
    assert abs(minhash.estimate(hasher.signature(a), hasher.signature(b)) - minhash.jaccard(a, b)) < 0.1


sets = st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=300).map(
    lambda xs: np.unique(np.array(xs, dtype=np.uint64))
)


@settings(max_examples=50)
@given(sets, sets)
def test_signature_of_union_is_merge_of_signatures(a, b):
    hasher = minhash.Hasher(num_perm=64)
    assert np.array_equal(minhash.merge(hasher.signature(a), hasher.signature(b)), hasher.signature(np.union1d(a, b)))


@settings(max_examples=30)
@given(st.lists(sets, max_size=12), st.integers(min_value=1, max_value=400))
def test_signatures_in_passes_equal_the_signatures_one_by_one(many, chunk):
    hasher = minhash.Hasher(num_perm=32)
    saved, minhash.CHUNK = minhash.CHUNK, chunk  # passes of at most `chunk` shingles (one set at least)
    try:
        together = hasher.signatures(many)
    finally:
        minhash.CHUNK = saved
    assert together.shape == (len(many), 32)
    assert all(np.array_equal(row, hasher.signature(one)) for row, one in zip(together, many))


@settings(max_examples=30)
@given(st.lists(sets, min_size=2, max_size=8), st.integers(min_value=1, max_value=7))
def test_merged_lsh_indexes_equal_the_index_of_all(shards, cut):
    hasher = minhash.Hasher(num_perm=32)
    bands, rows = minhash.lsh_params(0.8, 32)
    whole, left, right = (minhash.LSHIndex(bands, rows) for _ in range(3))
    for key, values in enumerate(shards):
        signature = hasher.signature(values)
        whole.insert(key, signature)
        (left if key < cut else right).insert(key, signature)
    merged = left.merge(right)
    for values in shards:
        signature = hasher.signature(values)
        assert merged.candidates(signature) == whole.candidates(signature)


def test_lsh_merge_refuses_other_banding():
    with pytest.raises(ValueError, match="same settings"):
        minhash.LSHIndex(4, 8).merge(minhash.LSHIndex(8, 4))


@settings(max_examples=50)
@given(st.text(max_size=200))
def test_fingerprint_ignores_case_and_spacing(text):
    assert fingerprint(text) == fingerprint("  " + text.lower().replace(" ", "   ") + " ")


def test_near_pairs_are_verified_exactly():
    texts = [" ".join(REPORT), " ".join(REPORT).replace("Monday", "Tuesday"), " ".join(OTHER)]
    sets_ = [minhash.shingles(t) for t in texts]
    found = list(minhash.near_pairs(sets_, 0.8))
    assert [(i, j) for i, j, _ in found] == [(0, 1)]
    assert found[0][2] == minhash.jaccard(sets_[0], sets_[1])


# the desk step ---------------------------------------------------------------
def test_exact_duplicate_is_kept_and_marked(desk):
    desk.add([article("a", REPORT), article("b", [p.upper() for p in REPORT], title="Quay closed")])
    b = desk.article("b")
    assert b.duplicate_of == "a"
    assert b.fingerprint == desk.article("a").fingerprint
    assert desk.article("a").duplicate_of is None


def test_near_duplicate_points_at_the_original(desk):
    edited = REPORT[:3] + [REPORT[3].replace("southern terminal", "east terminal")]
    desk.add([article("a", REPORT), article("b", edited), article("c", edited + ["A short note."])])
    assert desk.article("b").duplicate_of == "a"
    assert desk.article("c").duplicate_of == "a"  # never a duplicate of a duplicate


def test_different_articles_are_not_duplicates(desk):
    desk.add([article("a", REPORT), article("b", OTHER, title="Library budget")])
    assert desk.article("b").duplicate_of is None


def test_below_threshold_is_not_a_duplicate(desk):
    desk.add([article("a", REPORT), article("b", REPORT[:2] + OTHER)])
    assert desk.article("b").duplicate_of is None


def test_article_without_body_has_no_fingerprint(desk):
    desk.add([article("a", [], title="Only a headline"), article("b", [], title="Only a headline")])
    assert desk.article("a").fingerprint is None
    assert desk.article("b").duplicate_of is None


def test_replaced_article_is_not_its_own_duplicate(desk):
    desk.add(article("a", REPORT))
    desk.add(article("a", REPORT + ["An update: the quay reopened on Friday morning after the inspection."]))
    assert desk.article("a").duplicate_of is None
    rows = desk.store.db.execute("SELECT COUNT(*) FROM fingerprints WHERE article_id = 'a'").fetchone()[0]
    assert rows == 1


def test_removed_original_hands_its_copies_to_the_earliest(desk):
    desk.add([article("a", REPORT), article("b", REPORT, title="Copy one"), article("c", REPORT, title="Copy two")])
    desk.remove("a")
    assert (desk.article("b").duplicate_of, desk.article("c").duplicate_of) == (None, "b")
    assert desk.store.db.execute("SELECT duplicate_of FROM articles WHERE id = 'c'").fetchone()[0] == "b"
    desk.add(article("d", REPORT, title="Copy three"))
    assert desk.article("d").duplicate_of == "b"


# the command -----------------------------------------------------------------
def write_corpus(folder):
    records = [
        {"id": "a", "title": "Crane", "text": "\n\n".join(REPORT)},
        {"id": "b", "title": "Crane", "text": "\n\n".join(REPORT).replace("Monday", "Tuesday")},
        {"id": "c", "title": "Library", "text": "\n\n".join(OTHER)},
    ]
    (folder / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (folder / "d.txt").write_text("Crane again\n\n" + "\n\n".join(REPORT + [REPORT[0]]), encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")


def test_cli_dedup_writes_pairs(tmp_path):
    write_corpus(tmp_path)
    out = tmp_path / "pairs.jsonl"
    result = CliRunner().invoke(
        main,
        [
            "dedup",
            str(tmp_path / "news.jsonl"),
            str(tmp_path / "d.txt"),
            str(tmp_path / "empty.txt"),
            "--threshold",
            "0.8",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    pairs = [json.loads(line) for line in out.read_text().splitlines()]
    assert {(p["a"], p["b"]) for p in pairs} == {("a", "b"), ("a", "d"), ("b", "d")}
    assert all(0.8 <= p["similarity"] <= 1 for p in pairs)
    assert "skipped 1" in result.output


def test_cli_dedup_keeps_first_or_longest(tmp_path):
    write_corpus(tmp_path)
    for keep, expected in (("first", ["a", "c"]), ("longest", ["c", "d"])):
        out = tmp_path / f"{keep}.jsonl"
        result = CliRunner().invoke(
            main, ["dedup", str(tmp_path / "news.jsonl"), str(tmp_path / "d.txt"), "--keep", keep, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        kept = [json.loads(line) for line in out.read_text().splitlines()]
        assert sorted(r["id"] for r in kept) == expected
        assert all(r["text"] for r in kept)


def test_cli_dedup_rejects_a_bad_threshold_and_missing_input(tmp_path):
    write_corpus(tmp_path)
    assert CliRunner().invoke(main, ["dedup", str(tmp_path / "news.jsonl"), "--threshold", "0"]).exit_code == 2
    missing = CliRunner().invoke(main, ["dedup", str(tmp_path / "nothing.jsonl")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_texts_without_words_are_nobodys_near_duplicates():
    hashes = [minhash.shingle_hashes(t) for t in ("", "...", "one two three four five six", "")]
    assert list(minhash.near_pairs(hashes, 0.8)) == []


def test_cli_dedup_judges_one_line_records_on_their_line(tmp_path):
    # A record without a title whose text is one line is a headline-only article: its line is what it says,
    # so two copies pair and two different lines do not (all of them have an empty body).
    lines = [
        "Storm floods the river town and closes three bridges overnight",
        "Storm floods the river town and closes three bridges overnight",
        "Council approves the new budget for schools after a long debate",
        "Rail strike ends as unions and the operator sign a pay deal",
    ]
    corpus = tmp_path / "lines.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"r{i}", "text": t}) + "\n" for i, t in enumerate(lines)))
    out = tmp_path / "pairs.jsonl"
    result = CliRunner().invoke(main, ["dedup", str(corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [(p["a"], p["b"]) for p in map(json.loads, out.read_text().splitlines())] == [("r0", "r1")]


@given(st.lists(st.integers(0, 2**64 - 1), max_size=50), st.booleans())
def test_unique_is_numpys_unique(values, repeated):
    array = np.array(values + values if repeated else values, dtype=np.uint64)
    expected = np.unique(array)
    assert minhash.unique(array).dtype == expected.dtype
    assert np.array_equal(minhash.unique(array), expected)


def test_shingle_hashes_do_not_depend_on_how_far_the_power_tables_have_grown():
    text = "The council voted on Tuesday to close the bridge for repairs. " * 40
    minhash._POWERS.clear()
    short = minhash.shingle_hashes(text)
    minhash._powers(1 << 16)
    assert np.array_equal(minhash.shingle_hashes(text), short)
