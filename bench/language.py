"""Language identification: py3langid and lingua on texts of known language, accuracy and speed in one run.

    .venv/bin/python -m bench.language [--limit N]

Texts, each read as the ``language`` step reads an article (title and
content, the first ``[language] max_chars`` characters):

- English news: GVC and GeoWebNews articles, PolNeAR dev files, the seeds. An
  English article taken for another language loses every fact, so this is
  the figure that must stay near 1.
- trafilatura's evaluation pages: their hand-picked main-text snippets,
  labelled with the language the page declares on ``<html lang>`` (mostly
  German; Spanish, French, Polish, Portuguese and a few others). The
  declaration is the page's own, so a few labels may be wrong.
- spaCy's example sentences (``spacy.lang.XX.examples``, shipped in the
  spacy wheel): one or two short sentences for each of the languages both
  detectors know; a hard case (a headline-length text).

Each detector reads the text as the step hands it over (lower-cased when most
letters are capitals). Speed: seconds over all texts per detector, and lingua's time as a multiple
of py3langid's in the same run; model loading is timed apart.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from newsdesk.clean.language import base, prepared

from . import data, gate

OUT = Path(__file__).parent / "out" / "language.json"
MAX_CHARS = 2000
ALIASES = {"nb": "no", "nn": "no"}  # Norwegian: the detectors differ in how they name it
DECLARED = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2})\b", re.IGNORECASE)


def english(limit: int) -> list[tuple[str, str, str]]:
    texts = [
        ("english_news", "en", (r["title"] + "\n" + r["text"])[:MAX_CHARS])
        for r in data.gvc_documents(limit)
        if len(r["text"]) > 200
    ]
    for row in data.jsonl(data.DATA / "geo" / "gwn.jsonl")[:limit]:
        texts.append(("english_news", "en", (row.get("title", "") + "\n" + row["text"])[:MAX_CHARS]))
    texts += [("english_news", "en", f["text"][:MAX_CHARS]) for f in data.polnear_files("dev", limit)]
    texts += [
        ("english_news", "en", p.read_text(encoding="utf-8")[:MAX_CHARS]) for p in sorted(data.SEEDS.glob("*.txt"))
    ]
    return texts


def web_pages(limit: int | None) -> list[tuple[str, str, str]]:
    folder = data.DATA / "trafilatura-eval"
    entries = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    texts = []
    for entry in list(entries.values())[:limit]:
        path = folder / "pages" / f"{entry['file']}.gz"
        declared = DECLARED.search(gzip.decompress(path.read_bytes())[:50_000]) if path.exists() else None
        text = "\n".join(entry.get("with") or [])
        if declared and len(text) >= 100:
            texts.append(
                (
                    "web_pages",
                    ALIASES.get(declared.group(1).decode().lower(), declared.group(1).decode().lower()),
                    text[:MAX_CHARS],
                )
            )
    return texts


def spacy_examples(known: set[str]) -> list[tuple[str, str, str]]:
    import spacy

    folder = Path(spacy.__file__).parent / "lang"
    texts = []
    for path in sorted(folder.glob("*/examples.py")):
        code = ALIASES.get(path.parent.name, path.parent.name)
        if code not in known:
            continue
        try:
            sentences = importlib.import_module(f"spacy.lang.{path.parent.name}.examples").sentences
        except ImportError:  # an examples module needing an optional tokenizer dependency
            continue
        texts += [("spacy_examples", code, s) for s in sentences]
    return texts


def detectors() -> dict:
    """name → (load seconds, predict function)."""
    found = {}
    start = time.perf_counter()
    import py3langid

    py3langid.classify("warm up")
    found["py3langid"] = (time.perf_counter() - start, lambda text: py3langid.classify(prepared(text))[0])
    from lingua import LanguageDetectorBuilder

    for name, builder in (("lingua_low", lambda b: b.with_low_accuracy_mode()), ("lingua_high", lambda b: b)):
        start = time.perf_counter()
        detector = builder(LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models()).build()
        load = time.perf_counter() - start

        def predict(text, detector=detector):
            found = detector.detect_language_of(prepared(text))
            return found.iso_code_639_1.name.lower() if found is not None else "?"

        found[name] = (load, predict)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=400, help="English articles per dataset, web pages (default 400)")
    args = parser.parse_args()
    from lingua import Language

    lingua_codes = {
        ALIASES.get(lang.iso_code_639_1.name.lower(), lang.iso_code_639_1.name.lower()) for lang in Language.all()
    }
    import py3langid

    found = detectors()  # first: times loading the models
    langid_codes = set(py3langid.langid.IDENTIFIER.nb_classes)
    texts = english(args.limit) + web_pages(args.limit) + spacy_examples(lingua_codes & langid_codes)
    result = {"texts": dict(Counter(kind for kind, _, _ in texts)), "detectors": {}}
    for name, (load, predict) in found.items():
        start = time.perf_counter()
        predicted = [predict(text) for _, _, text in texts]
        seconds = time.perf_counter() - start
        right, total, confused = Counter(), Counter(), defaultdict(Counter)
        for (kind, gold, _), guess in zip(texts, predicted):
            guess = ALIASES.get(base(guess), base(guess))
            total[kind] += 1
            right[kind] += guess == gold
            if guess != gold:
                confused[kind][f"{gold}->{guess}"] += 1
        result["detectors"][name] = {
            "accuracy": {kind: round(right[kind] / total[kind], 4) for kind in total},
            "seconds": round(seconds, 2),
            "load_seconds": round(load, 2),
            "confusions": {kind: dict(c.most_common(8)) for kind, c in confused.items()},
        }
    runs = result["detectors"]
    base_seconds = runs["py3langid"]["seconds"]
    for run in runs.values():
        run["time_vs_py3langid"] = round(run["seconds"] / base_seconds, 2)
    chosen = runs["py3langid"]
    result["headline"] = {
        "english_news_accuracy": chosen["accuracy"]["english_news"],
        "web_pages_accuracy": chosen["accuracy"]["web_pages"],
        "spacy_examples_accuracy": chosen["accuracy"]["spacy_examples"],
        "lingua_low_time_vs_py3langid": runs["lingua_low"]["time_vs_py3langid"],
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1), encoding="utf-8")
    report(result)
    return 1 if gate.check("language", result["headline"]) else 0


def report(result: dict) -> None:
    print("texts: " + ", ".join(f"{kind} {n}" for kind, n in result["texts"].items()))
    print(
        f"{'detector':<12} {'english_news':>12} {'web_pages':>10} {'spacy_examples':>14} {'seconds':>8} "
        f"{'x py3langid':>11} {'load s':>7}"
    )
    for name, run in result["detectors"].items():
        acc = run["accuracy"]
        print(
            f"{name:<12} {acc['english_news']:>12.4f} {acc['web_pages']:>10.4f} {acc['spacy_examples']:>14.4f} "
            f"{run['seconds']:>8.2f} {run['time_vs_py3langid']:>11.2f} {run['load_seconds']:>7.2f}"
        )
    for name, run in result["detectors"].items():
        print(
            f"{name} confusions: "
            + "; ".join(
                f"{kind}: " + ", ".join(f"{k} {v}" for k, v in c.items()) for kind, c in run["confusions"].items()
            )
        )


if __name__ == "__main__":
    sys.exit(main())
