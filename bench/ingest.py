"""Ingest benchmarks: HTML main text on trafilatura's evaluation set, and `newsdesk add` throughput on GVC.

    .venv/bin/python -m bench.ingest [--limit N] [--part quality|throughput|all]
                                     [--steps normalize,roles,glue] [--full-limit N]

(a) quality: for each page of ../shared/data/trafilatura-eval, newsdesk's body
text (paragraphs with role body/heading after the cleaning steps, up to glue)
and trafilatura.extract called directly (its defaults), in the same run. A
"with" snippet found is a true positive, missing a false negative; a "without"
snippet found is a false positive (trafilatura's own scoring). The token
figures weigh each snippet by its number of words, so a long paragraph
missed costs more than a two-word date line. Both texts and snippets are
compared after newsdesk's normalisation (quotes, dashes, whitespace), which
is applied to both sides alike. Title, date and author agreement with the
labels come with it.

(b) throughput: `Desk.add` of ../shared/data/gvc/documents.jsonl into a
fresh on-disk database, in a child process per pipeline so that its peak
memory (ru_maxrss) is its own: the light pipeline (normalize) on all
documents, the cleaning steps, and the configured full pipeline on a
--full-limit subset when all its steps exist.
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import data, gate

OUT = Path(__file__).parent / "out" / "ingest.json"
CLEAN_STEPS = ("normalize", "roles", "glue")


def available(steps) -> list[str]:
    """The given steps that are registered (the roles/glue steps may not exist yet)."""
    from newsdesk import pipeline

    pipeline.load_builtins()
    return [name for name in steps if name in pipeline.REGISTRY]


# (a) quality -------------------------------------------------------------------


def newsdesk_articles(pages: list[dict], overrides: list[str]) -> tuple[list, float]:
    """The article (or None) newsdesk reads from each page, and the seconds taken."""
    from newsdesk import config, ingest
    from newsdesk.ingest import html
    from newsdesk.model import Article

    options = ingest.Options.from_config(config.load(overrides=overrides)["ingest"])
    started = time.perf_counter()
    found = []
    for number, page in enumerate(pages):
        item = html.read(page["html"], page["url"], options, article_id=str(number), url=page["url"])
        found.append(item if isinstance(item, Article) else None)
    return found, time.perf_counter() - started


def body_texts(articles: list, steps: list[str]) -> tuple[list[str], float]:
    """Body text (role body/heading) of copies of the articles after ``steps``, and the seconds the steps took."""
    from newsdesk import Desk
    from newsdesk.model import CONTENT_ROLES

    desk = Desk(":memory:", overrides=[f"pipeline.steps={json.dumps(steps)}"])
    copies = [copy.deepcopy(a) for a in articles if a is not None]
    started = time.perf_counter()
    for article in copies:
        desk.pipeline.process([article])
    seconds = time.perf_counter() - started
    done = iter(copies)
    texts = [
        "\n".join(p.text for p in next(done).paragraphs if p.role in CONTENT_ROLES) if a is not None else ""
        for a in articles
    ]
    return texts, seconds


def trafilatura_texts(pages: list[dict]) -> tuple[list[str], float]:
    import trafilatura

    started = time.perf_counter()
    texts = [trafilatura.extract(page["html"], url=page["url"]) or "" for page in pages]
    return texts, time.perf_counter() - started


def snippet_scores(pages: list[dict], texts: list[str]) -> dict:
    from newsdesk.clean.normalize import text as normal

    counts = {"tp": 0, "fn": 0, "fp": 0, "tn": 0}
    tokens = dict.fromkeys(counts, 0)
    for page, text in zip(pages, texts):
        body = normal(text)
        for kind, snippets in (("with", page["with"]), ("without", page["without"])):
            for snippet in snippets:
                wanted = normal(snippet)
                if not wanted:
                    continue
                present = wanted in body
                key = ("tp" if present else "fn") if kind == "with" else ("fp" if present else "tn")
                counts[key] += 1
                tokens[key] += len(wanted.split())
    return {**_prf(counts), "token": _prf(tokens), "counts": counts}


def _prf(c: dict) -> dict:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = (c["tp"] + c["tn"]) / sum(c.values()) if sum(c.values()) else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "accuracy": round(accuracy, 4),
    }


def metadata_scores(pages: list[dict], articles: list) -> dict:
    """Agreement of title, date and author with the labels, on the pages that have the label."""
    from newsdesk.clean.normalize import text as normal

    def label(page, field) -> str:
        value = page.get(field) or ""
        return "; ".join(value) if isinstance(value, list) else str(value)  # some authors are lists

    def share(field, value_of):
        labelled = [(page, article) for page, article in zip(pages, articles) if label(page, field)]
        hits = sum(
            1
            for page, article in labelled
            if article is not None and value_of(article) and normal(value_of(article)) == normal(label(page, field))
        )
        return {"labelled": len(labelled), "exact": round(hits / len(labelled), 4) if labelled else None}

    return {
        "title": share("title", lambda a: a.title),
        "date": share("date", lambda a: a.published),
        "author": share("author", lambda a: "; ".join(a.authors)),
    }


def quality(limit: int | None, overrides: list[str]) -> dict:
    pages = data.trafilatura_eval(limit)
    articles, read_seconds = newsdesk_articles(pages, overrides)
    theirs, their_seconds = trafilatura_texts(pages)
    result = {
        "pages": len(pages),
        "overrides": overrides,
        "trafilatura": {**snippet_scores(pages, theirs), "pages_per_s": round(len(pages) / their_seconds, 1)},
    }
    for name, steps in (("newsdesk_ingest", ["normalize"]), ("newsdesk", available(CLEAN_STEPS))):
        texts, step_seconds = body_texts(articles, steps)
        result[name] = {
            **snippet_scores(pages, texts),
            "steps": steps,
            "pages_per_s": round(len(pages) / (read_seconds + step_seconds), 1),
        }
    result["newsdesk"]["skipped"] = sum(1 for a in articles if a is None)
    result["newsdesk"]["metadata"] = metadata_scores(pages, articles)
    return result


# (b) throughput ------------------------------------------------------------------


def throughput(steps: list[str], limit: int | None) -> dict:
    """`Desk.add` of the GVC documents with ``steps``: articles/s and peak memory of this process."""
    from newsdesk import Desk

    source = data.DATA / "gvc" / "documents.jsonl"
    with tempfile.TemporaryDirectory() as folder:
        if limit:
            subset = Path(folder) / "documents.jsonl"
            with open(source, "rb") as src, open(subset, "wb") as out:
                for number, line in enumerate(src):
                    if number >= limit:
                        break
                    out.write(line)
            source = subset
        before = peak_rss_mb()
        with Desk(Path(folder) / "bench.db", overrides=[f"pipeline.steps={json.dumps(steps)}"]) as desk:
            _ = desk.pipeline  # built (models loaded) before the clock starts
            started = time.perf_counter()
            summary = desk.add(source)
            seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    inputs = len(summary.added) + len(summary.updated) + len(summary.unchanged) + len(summary.skipped)
    return {
        "steps": steps,
        "inputs": inputs,
        "added": len(summary.added),
        "skipped": dict(summary.reasons()),
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(summary.added) / seconds, 1),
        "peak_rss_mb": peak,
        "rss_before_add_mb": before,
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    On Linux, ru_maxrss of a child started from a big parent starts at the
    parent's peak (it survives fork and exec), so the kernel's per-process
    high-water mark VmHWM is read instead where it exists.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def throughput_in_child(steps: list[str], limit: int | None) -> dict:
    command = [sys.executable, "-m", "bench.ingest", "--part", "child", "--steps", ",".join(steps)]
    if limit:
        command += ["--limit", str(limit)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    if done.returncode != 0:
        return {"steps": steps, "error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def throughputs(limit: int | None, full_limit: int, steps: list[str] | None) -> dict:
    from newsdesk import config

    runs = {"light": throughput_in_child(steps or ["normalize"], limit)}
    if steps is None:
        runs["clean"] = throughput_in_child(available(CLEAN_STEPS), limit)
        full = config.defaults()["pipeline"]["steps"]
        missing = [name for name in full if name not in available(full)]
        runs["full"] = (
            throughput_in_child(full, min(limit or full_limit, full_limit))
            if not missing
            else {"steps": full, "error": f"steps not written yet: {', '.join(missing)}"}
        )
    return runs


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="first N pages (quality) and N documents (throughput)")
    parser.add_argument("--part", choices=["quality", "throughput", "all", "child"], default="all")
    parser.add_argument(
        "--steps", help="comma-separated pipeline steps for the throughput run (default: light, clean, full)"
    )
    parser.add_argument("--full-limit", type=int, default=300, help="documents for the full-pipeline throughput run")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        help='a setting for the quality run, e.g. ingest.html_favor="precision"',
    )
    args = parser.parse_args(argv)
    steps = args.steps.split(",") if args.steps else None
    if args.part == "child":
        print(json.dumps(throughput(steps, args.limit)))
        return
    result: dict = {}
    if args.part in ("quality", "all"):
        result["quality"] = quality(args.limit, args.overrides)
        q = result["quality"]
        for name in ("newsdesk", "newsdesk_ingest", "trafilatura"):
            s = q[name]
            print(
                f"{name:<16} snippets P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} | "
                f"token F1 {s['token']['f1']:.3f} | {s['pages_per_s']} pages/s"
            )
        print(
            f"  ({q['pages']} pages; newsdesk = steps {','.join(q['newsdesk']['steps'])}, newsdesk_ingest = normalize only; "
            f"metadata {q['newsdesk']['metadata']})"
        )
    if args.part in ("throughput", "all"):
        result["throughput"] = throughputs(args.limit, args.full_limit, steps)
        for name, run in result["throughput"].items():
            if "error" in run:
                print(f"add {name:<6} {','.join(run['steps'])}: {run['error']}")
            else:
                print(
                    f"add {name:<6} {run['added']} articles, {run['articles_per_s']} articles/s, "
                    f"peak RSS {run['peak_rss_mb']} MB ({','.join(run['steps'])}; skipped {run['skipped']})"
                )
    OUT.parent.mkdir(exist_ok=True)
    previous = json.loads(OUT.read_text()) if OUT.exists() else {}
    previous.update(result)
    previous["limit"] = args.limit
    previous["headline"] = headline(previous)
    OUT.write_text(json.dumps(previous, indent=1, ensure_ascii=False))
    if gate.check("ingest", previous["headline"]):
        sys.exit(1)
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")


def headline(result: dict) -> dict:
    """The figures floored in bench/baseline.toml [ingest] (of the parts measured so far)."""
    figures = {}
    if "quality" in result:
        ours, peer = result["quality"]["newsdesk"], result["quality"]["trafilatura"]
        figures.update(
            trafilatura_eval_token_f1=ours["token"]["f1"],
            trafilatura_eval_snippet_f1=ours["f1"],
            token_f1_minus_trafilatura=round(ours["token"]["f1"] - peer["token"]["f1"], 4),
        )
    light = result.get("throughput", {}).get("light", {})
    if "articles_per_s" in light:
        figures.update(
            gvc_add_light_articles_per_s=light["articles_per_s"], gvc_add_light_peak_rss_mb=light["peak_rss_mb"]
        )
    return figures


if __name__ == "__main__":
    main()
