"""``newsdesk batch`` on a 2-worker Dask LocalCluster agrees with ``newsdesk add`` on the demo corpus."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import EXAMPLES

from newsdesk import Desk, config
from newsdesk.errors import NewsdeskError
from newsdesk.store.export import TABLES

pytest.importorskip("distributed", reason="newsdesk batch needs the [scale] extra (dask, distributed)")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def desk_export():
    with Desk(":memory:") as desk:
        desk.add(EXAMPLES)
        return desk.export()


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory):
    from newsdesk.distributed import batch

    out = tmp_path_factory.mktemp("batch") / "out"
    settings = config.load(overrides=["batch.partition=3"])  # several partitions on two workers
    summary = batch.run([str(EXAMPLES)], out, settings, workers=2)
    assert summary.articles == 8 and len(summary.worker_peak_mb) == 2
    return out


def table(out, name) -> list[dict]:
    return pq.read_table(out / name).to_pylist()


def test_batch_writes_every_table_of_the_contract(batch_out, desk_export):
    for name in (t for t in TABLES if t != "skips"):
        rows = table(batch_out, name)
        expected = (
            sum(len(a["paragraphs"]) for a in desk_export["articles"])
            if name == "paragraphs"
            else len(desk_export[name])
        )
        assert len(rows) == expected, name


def test_batch_agrees_with_the_desk(batch_out, desk_export):
    articles = table(batch_out, "articles")
    assert {(a["id"], a["duplicate_of"]) for a in articles} == {
        (a["id"], a["duplicate_of"]) for a in desk_export["articles"]
    }
    assert {a["id"]: a["story"] for a in articles} == {a["id"]: a["story"] for a in desk_export["articles"]}
    assert {(r["a"], r["b"], r["kind"]) for r in table(batch_out, "reuse")} == {
        (json.dumps(r["a"]), json.dumps(r["b"]), r["kind"]) for r in desk_export["reuse"]
    }
    assert {c["id"] for c in table(batch_out, "claims")} == {c["id"] for c in desk_export["claims"]}
    assert sorted(e["id"] for e in table(batch_out, "events")) == sorted(e["id"] for e in desk_export["events"])


def test_figures_give_each_tasks_cpu(batch_out):
    figures = json.loads((batch_out / "newsdesk-batch.json").read_text(encoding="utf-8"))
    tasks = [task for per_worker in figures["task_cpu_s"].values() for task in per_worker]
    assert {name for name, *_ in tasks} >= {"clean", "extract", "keys", "story_links", "desk_stages"}
    assert sorted(first for name, first, _ in tasks if name == "extract") == [0, 3, 6]  # partitions of 3
    assert sorted(first for name, first, _ in tasks if name == "desk_stages") == list(range(figures["groups"]))
    assert figures["driver_cpu_s"] > 0  # reading and scheduling are counted apart from the workers


def test_load_gives_the_desk_add_gives(batch_out, desk_export):
    from newsdesk.distributed import batch

    with Desk(":memory:") as desk:
        assert batch.load(batch_out, desk) == 8
        assert desk.export() == desk_export


def test_load_refuses_a_folder_that_is_no_batch_result(tmp_path):
    from newsdesk.distributed import batch

    with Desk(":memory:") as desk, pytest.raises(NewsdeskError, match="not a complete `newsdesk batch` result"):
        batch.load(tmp_path, desk)


def test_batch_refuses_to_overwrite_another_folder(tmp_path):
    from newsdesk.distributed import batch

    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(NewsdeskError, match="is not a batch result"):
        batch.run([str(EXAMPLES)], tmp_path, config.defaults(), workers=1)
    assert (tmp_path / "notes.txt").exists()


def test_missing_extra_says_what_to_install(monkeypatch, tmp_path):
    from newsdesk.distributed import batch

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(NewsdeskError, match=r"pip install 'newsdesk\[scale\]'"):
        batch.run([str(EXAMPLES)], tmp_path / "out", config.defaults())


def test_blocks_follow_the_desks_story_search():
    """An article is linked to its best earlier candidate by the desk's own score; unrelated ones stay apart."""
    from newsdesk.distributed import batch

    def keys(seq, words, day):
        return batch.Keys(seq, [], None, [], [], {w: 1.0 for w in words}, day, "", [])

    fire = ["warehouse", "fire", "#oakland", "firefighters", "blaze"]
    part = [
        keys(0, fire, 100),
        keys(1, ["election", "ballots", "#ohio", "count", "recount"], 100),
        keys(2, fire + ["injured"], 101),
        keys(3, ["storm", "flooding", "#texas", "rain", "levee"], 400),
    ]
    settings = batch.Settings()
    links = batch.story_links([part[2:]], [part[:2]], config.defaults(), settings)
    assert links == [(0, 2)]
    group_of, sizes = batch.blocks(links, 4, group_size=1)
    assert sorted(sizes) == [1, 1, 2] and group_of[0] == group_of[2] != group_of[1]


def test_chunked_story_search_indexes_only_what_it_can_reach():
    """A chunk that indexes only the earlier articles its search can reach links exactly as one indexing all."""
    import random

    from newsdesk.distributed import batch

    rng = random.Random(0)
    words = [f"w{i}" for i in range(60)] + [f"#n{i}" for i in range(10)]
    weights = [1 / (rank + 1) for rank in range(len(words))]  # some common terms, many rare
    titles = ["fire", "flood", "vote", "", "", ""]
    part = [
        batch.Keys(
            seq,
            [],
            None,
            [],
            [],
            {w: 1.0 + rng.random() for w in set(rng.choices(words, weights, k=8))},
            rng.choice([None, 100, 101, 130, 400]),
            rng.choice(titles),
            rng.sample(titles[:3], rng.randrange(2)),
        )
        for seq in range(120)
    ]
    settings = config.load(overrides=["stories.candidate_postings=3"])  # the walk's bound binds at this size
    chunk = batch.Settings(block_top=1)
    partitions = [part[i : i + 5] for i in range(0, 120, 5)]
    before, every, reached, smaller = batch.Before(), [], [], 0
    for i in range(0, len(partitions), 2):  # chunks of two partitions
        reach = batch.reachable(partitions[i : i + 2], before, settings["stories"]["candidate_df"])
        smaller += len(reach) < before.n
        every += batch.story_links(partitions[i : i + 2], partitions[:i], settings, chunk)
        reached += batch.story_links(partitions[i : i + 2], partitions[:i], settings, chunk, before, reach)
        before = batch.advance(before, partitions[i : i + 2], 3)
    assert before.n == 120 and reached == every and len(every) > 100
    assert smaller > 5  # most chunks index fewer articles than came before them


def test_local_workers_keep_glibcs_own_malloc_thresholds():
    import os

    from distributed import Client

    from newsdesk.distributed import batch

    for trim, expected in ((False, None), (True, "65536")):
        with batch.local_cluster(1, trim_memory=trim) as cluster, Client(cluster) as client:
            assert list(client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_").values()) == [expected]
