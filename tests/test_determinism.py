"""The same inputs in the same order give a byte-identical export, whatever the hash seed of the process.

Each run is a separate process (``newsdesk add`` then ``export``) with its own PYTHONHASHSEED, so an order
that comes from a set of strings, or from anything else that changes between runs, shows as a difference.
The two runs go side by side (two processes, two cores).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import DATA, EXAMPLES, need

GVC_ARTICLES = int(os.environ.get("NEWSDESK_DETERMINISM_ARTICLES", "300"))


def exports(inputs: list[str], folder, seeds=("1", "2")) -> list[bytes]:
    """The JSON export of ``inputs`` added to a fresh desk, once per hash seed, each run in its own process."""
    runs = []
    for seed in seeds:
        db, out = folder / f"run{seed}.db", folder / f"run{seed}.json"
        script = (
            f"from newsdesk import Desk\n"
            f"with Desk({str(db)!r}) as desk:\n"
            f"    desk.add({inputs!r})\n"
            f"    desk.export({str(out)!r})\n"
        )
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs.append((subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE), out))
    for process, _ in runs:
        _, error = process.communicate()
        assert process.returncode == 0, error.decode()
    return [out.read_bytes() for _, out in runs]


def first_difference(a: bytes, b: bytes) -> str:
    for key, value in json.loads(a).items():
        other = json.loads(b)[key]
        if value != other:
            where = next((i for i, (x, y) in enumerate(zip(value, other)) if x != y), min(len(value), len(other)))
            return f"{key}[{where}]"
    return "?"


def test_demo_corpus_export_is_the_same_under_two_hash_seeds(tmp_path):
    first, second = exports([str(EXAMPLES)], tmp_path)
    assert first == second, f"exports differ first at {first_difference(first, second)}"


def test_gvc_export_is_the_same_under_two_hash_seeds(tmp_path):
    documents = need(DATA / "gvc" / "documents.jsonl")
    records = []
    with open(documents, encoding="utf-8") as handle:
        for line in handle:
            if len(records) == GVC_ARTICLES:
                break
            row = json.loads(line)
            records.append(
                {
                    "id": row["doc_id"],
                    "title": row.get("title") or "",
                    "text": row.get("content") or "",
                    "published": row.get("dct"),
                    "url": row.get("uri"),
                }
            )
    if not records:
        pytest.skip("no GVC documents")
    corpus = tmp_path / "gvc.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    first, second = exports([str(corpus)], tmp_path)
    assert first == second, f"exports differ first at {first_difference(first, second)}"
