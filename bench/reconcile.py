"""Reconcile benchmark: contradictions and independent reports on short articles written for the project.

    .venv/bin/python -m bench.reconcile

Each file of ``tests/fixtures/reconcile/`` is one story (denials, a revised figure, re-used wire text, articles of
no known outlet, a status dispute); ``labels.json`` says which contradictions the story holds and how many
independent reports stand behind chosen claims. The articles go through the default steps up to claims, then
the story is reconciled. A labelled contradiction is found when a predicted one of its kind (and update flag)
holds each labelled claim; a predicted one that holds no labelled pair is a false contradiction; a claim listed
twice in one contradiction is counted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench import gate
from bench.data import ROOT

CASES = ROOT / "tests" / "fixtures" / "reconcile"
OUT = ROOT / "bench" / "out" / "reconcile.json"


def case_articles(path: Path) -> list:
    """The articles of one case file through the default steps up to claims."""
    from newsdesk import config as config_module
    from newsdesk import ingest
    from newsdesk.model import Article
    from newsdesk.pipeline import REGISTRY, Pipeline, load_builtins

    load_builtins()
    config = config_module.load()
    wanted = ("normalize", "roles", "glue", "parse", "entities", "places", "dates", "quantities", "claims")
    config["pipeline"]["steps"] = [name for name in wanted if name in REGISTRY]
    articles = [a for a in ingest.read([str(path)]) if isinstance(a, Article)]
    return Pipeline(config).process(articles)


def reconciled(path: Path) -> tuple[list, dict]:
    from newsdesk.reconcile.story import reconcile

    articles = case_articles(path)
    return articles, reconcile(path.stem, articles, [])


def claim_ids(articles: list, article_id: str, speaker: str, content: str = "") -> set[str]:
    """Ids of the claims of ``article_id`` whose speaker text contains ``speaker`` and content ``content``."""
    return {
        c.id
        for a in articles
        if a.id == article_id
        for c in a.claims
        if speaker.lower() in (c.speaker_text or "").lower() and content.lower() in c.content.lower()
    }


def score_case(articles: list, state: dict, labels: dict) -> dict:
    found = state["contradictions"]
    gold = labels["contradictions"]
    matched_pred = set()
    hits = 0
    for item in gold:
        refs = [claim_ids(articles, a, s) for a, s in item["claims"]]
        match = next(
            (
                i
                for i, x in enumerate(found)
                if x["kind"] == item["kind"]
                and bool(x.get("update")) == item["update"]
                and all(ref & set(x["claims"]) for ref in refs)
            ),
            None,
        )
        if match is not None:
            hits += 1
            matched_pred.add(match)
    repeated = sum(len(x["claims"]) - len(set(x["claims"])) for x in found)
    counts = state["independent_reports"]
    right, wrong = 0, []
    for item in labels["independent_reports"]:
        ids = claim_ids(articles, item["article"], item["speaker"], item.get("content", ""))
        got = sorted({counts.get(i) for i in ids}, key=str)
        if got == [item["expected"]]:
            right += 1
        else:
            wrong.append(f"{item['article']} {item['speaker']}: {got} (want {item['expected']})")
    false = [x["explanation"] for i, x in enumerate(found) if i not in matched_pred]
    return {
        "gold": len(gold),
        "found": hits,
        "predicted": len(found),
        "false": false,
        "repeated_claims": repeated,
        "reports": len(labels["independent_reports"]),
        "reports_right": right,
        "reports_wrong": wrong,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="ignored: the set is small (accepted like the other benchmarks)")
    parser.parse_args(argv)
    labels = json.loads((CASES / "labels.json").read_text(encoding="utf-8"))["cases"]
    results = {}
    for name, wanted in labels.items():
        articles, state = reconciled(CASES / f"{name}.jsonl")
        results[name] = score_case(articles, state, wanted)
    gold = sum(r["gold"] for r in results.values())
    hits = sum(r["found"] for r in results.values())
    predicted = sum(r["predicted"] for r in results.values())
    true_predicted = predicted - sum(len(r["false"]) for r in results.values())
    reports = sum(r["reports"] for r in results.values())
    right = sum(r["reports_right"] for r in results.values())
    headline = {
        "contradiction_recall": round(hits / gold, 3) if gold else 1.0,
        "contradiction_precision": round(true_predicted / predicted, 3) if predicted else 1.0,
        "independent_reports_accuracy": round(right / reports, 3) if reports else 1.0,
        "repeated_claims": sum(r["repeated_claims"] for r in results.values()),
    }
    print(
        f"{len(results)} stories written for the project, {gold} labelled contradictions, {reports} labelled "
        f"independent-report counts"
    )
    print(
        f"contradictions: recall {headline['contradiction_recall']:.3f} ({hits}/{gold}), precision "
        f"{headline['contradiction_precision']:.3f} ({true_predicted}/{predicted}), claims listed twice "
        f"{headline['repeated_claims']}"
    )
    print(f"independent_reports: {right}/{reports} right ({headline['independent_reports_accuracy']:.3f})")
    for name, r in results.items():
        for text in r["false"]:
            print(f"  {name}: false contradiction: {text}")
        for text in r["reports_wrong"]:
            print(f"  {name}: independent_reports {text}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"cases": results, "headline": headline}, indent=1), encoding="utf-8")
    return 1 if gate.check("reconcile", headline) else 0


if __name__ == "__main__":
    sys.exit(main())
