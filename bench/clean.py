"""Cleaning benchmarks: glued-word repair and paragraph roles.

    .venv/bin/python -m bench.clean [--limit N] [--html-limit N] [--seed S]

(a) seeds (../shared/seeds) against our own annotation (bench/annotations/):
    glue-repair precision and recall for each word-frequency model
    (wordsegment, wordninja, symspellpy) inside the guarded repair, and for
    wordsegment's own segmenter applied unguarded to every token it does not
    know (the naive use of the package); "no real word split" (no repair of
    a token the issue says must stay whole, nor of a word the model knows);
    role accuracy (exact, and body / not body) and capture of the related
    titles and credits.
(b) GVC (../shared/data/gvc/documents.jsonl), a random sample of --limit
    articles through normalize → roles → glue with the store's corpus
    vocabulary: repairs per article and per 10k words for each model, 30
    random repairs printed to eyeball, time per article of each step, the
    role distribution and how many long paragraphs (40+ words) lose the
    body role (with examples).
(c) trafilatura-eval (--html-limit pages): snippet recall and false
    positives of the content text (body + heading) after normalize only and
    after roles and glue, so that dropping captions and link lists is seen
    not to drop article text.

Writes bench/out/clean.json. Floors: bench/baseline.toml [clean].
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from . import data, gate

OUT = Path(__file__).parent / "out" / "clean.json"
ANNOTATIONS = Path(__file__).parent / "annotations"
STEPS = ["normalize", "roles", "glue"]
LEXICONS = ("wordsegment", "wordninja", "symspellpy")


def desk(lexicon: str = "wordsegment", glue: bool = True, steps=STEPS):
    from newsdesk import Desk

    return Desk(
        ":memory:",
        overrides=[
            f"pipeline.steps={json.dumps(steps)}",
            f'glue.lexicon="{lexicon}"',
            f"glue.enabled={'true' if glue else 'false'}",
        ],
    )


def seed_articles(lexicon: str = "wordsegment", glue: bool = True) -> dict:
    with desk(lexicon, glue) as d:
        d.add(sorted(data.SEEDS.glob("*.txt")))
        return {a.id: a for a in d.articles()}


def _edge(text: str) -> str:
    """A repair's text without the punctuation at its edges (annotations and repairs may differ there)."""
    return re.sub(r"^\W+|\W+$", "", text)


def _line(article, paragraph: int) -> int:
    return 1 if paragraph < 0 else article.paragraphs[paragraph].line


def prf(found: set, gold: set) -> dict:
    tp = len(found & gold)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(gold) if gold else 1.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "found": len(found),
        "gold": len(gold),
        "false": sorted(map(list, found - gold)),
        "missed": sorted(map(list, gold - found)),
    }


# (a) seeds -------------------------------------------------------------------
def glue_annotation() -> tuple[set, list[str]]:
    labels = json.loads((ANNOTATIONS / "seeds_glue.json").read_text(encoding="utf-8"))
    gold = {
        (aid, item["line"], _edge(item["before"]), _edge(item["after"]))
        for aid, items in labels["articles"].items()
        for item in items
    }
    return gold, labels["keep"]


def seed_glue(lexicon: str) -> dict:
    from newsdesk.clean.glue import lexicon as model

    gold, keep = glue_annotation()
    articles = seed_articles(lexicon)
    found = {
        (a.id, _line(a, r.paragraph), _edge(r.before), _edge(r.after)) for a in articles.values() for r in a.repairs
    }
    words = model(lexicon)
    split_words = sorted(
        {f[2] for f in found - gold if f[2].lower() in words}
        | {f[2] for f in found if f[2].lower() in {k.lower() for k in keep}}
    )
    return {**prf(found, gold), "real_words_split": split_words}


def seed_glue_unguarded() -> dict:
    """wordsegment.segment on every token of 5+ letters it does not know (its lowercased output compared).

    Punctuation glue ("“partisans”as") is outside what a word segmenter does, so it counts as missed.
    """
    import wordsegment

    from newsdesk.clean.glue import lexicon as model
    from newsdesk.clean.glue import tokens

    wordsegment.load()
    words = model("wordsegment")
    gold, keep = glue_annotation()
    gold_lower = {(aid, line, b.lower(), a.lower()) for aid, line, b, a in gold}
    found = set()
    for article in seed_articles(glue=False).values():
        for index, _ in [(-1, None), *enumerate(article.paragraphs)]:
            text = article.paragraph_text(index)
            for chunk in text.split():
                pieces = [p for p in (_edge(t) for t in tokens(chunk)) if len(p) >= 5 and p.lower() not in words]
                for token in pieces:
                    parts = wordsegment.segment(token)
                    if len(parts) > 1:
                        found.add((article.id, _line(article, index), token.lower(), " ".join(parts)))
    result = prf(found, gold_lower)
    result["real_words_split"] = sorted({f[2] for f in found if any(k.lower() == f[2] for k in keep)})
    result["false"] = result["false"][:20]
    return result


def role_annotation() -> dict:
    return json.loads((ANNOTATIONS / "seeds_roles.json").read_text(encoding="utf-8"))["articles"]


def seed_roles() -> dict:
    labels = role_annotation()
    articles = seed_articles()
    exact = side = total = 0
    wrong = []
    related_ok = credits_ok = True
    for aid, label in labels.items():
        article = articles[aid]
        by_line = {p.line: p for p in article.paragraphs}
        for line, wanted in label["roles"].items():
            accepted = wanted if isinstance(wanted, list) else [wanted]
            got = by_line[int(line)].role
            total += 1
            exact += got in accepted
            side += (got == "body") == (accepted[0] == "body")
            if got not in accepted:
                wrong.append([aid, int(line), accepted[0], got])
        expected_related = [by_line[line].text for line in label["related_lines"]]
        related_ok &= article.related_titles == expected_related
        credits_ok &= all(name in article.credits for name in label["credits"])
    return {
        "paragraphs": total,
        "accuracy": round(exact / total, 4),
        "body_side_accuracy": round(side / total, 4),
        "wrong": wrong,
        "related_titles_captured": related_ok,
        "credits_captured": credits_ok,
        "credits": {aid: a.credits for aid, a in articles.items()},
        "related_titles": {aid: len(a.related_titles) for aid, a in articles.items()},
    }


# (b) GVC ---------------------------------------------------------------------
def gvc_sample(limit: int, seed: int) -> list:
    from newsdesk import ingest
    from newsdesk.config import defaults
    from newsdesk.ingest.jsonl import from_record
    from newsdesk.model import Article

    records = data.gvc_documents()
    random.Random(seed).shuffle(records)
    options = ingest.Options.from_config(defaults()["ingest"])
    items = (from_record({k: v for k, v in r.items() if k != "gold"}, "gvc", options) for r in records)
    return [a for a in items if isinstance(a, Article)][:limit]


def gvc(limit: int, seed: int, lexicon: str, show: bool) -> dict:
    articles = gvc_sample(limit, seed)
    timings: dict[str, list[float]] = {name: [] for name in STEPS}
    repairs, words = [], 0
    with desk(lexicon) as d:
        steps = [(info.name, fn) for info, fn in d.pipeline.steps]
        for article in articles:
            for name, fn in steps:
                started = time.perf_counter()
                fn(article)
                timings[name].append(time.perf_counter() - started)
            words += sum(len(p.text.split()) for p in article.paragraphs)
            for r in article.repairs:
                role = "title" if r.paragraph < 0 else article.paragraphs[r.paragraph].role
                text = article.paragraph_text(r.paragraph)
                repairs.append(
                    {
                        "role": role,
                        "before": r.before,
                        "after": r.after,
                        "context": text[max(0, r.start - 40) : r.end + 40],
                    }
                )
    result = {
        "articles": len(articles),
        "lexicon": lexicon,
        "repairs": len(repairs),
        "repairs_per_article": round(len(repairs) / len(articles), 4),
        "repairs_per_10k_words": round(1e4 * len(repairs) / max(words, 1), 3),
        "punctuation_repairs": sum(1 for r in repairs if not r["before"].isalpha()),
        "word_repairs": [[r["before"], r["after"], r["context"]] for r in repairs if r["before"].isalpha()],
        "ms_per_article": {name: round(1000 * statistics.mean(t), 3) for name, t in timings.items()},
    }
    if show:
        result["sample"] = random.Random(seed).sample(repairs, min(30, len(repairs)))
        result["roles"] = gvc_roles(articles)
    return result


def gvc_roles(articles: list) -> dict:
    roles = Counter(p.role for a in articles for p in a.paragraphs)
    long = [(a.id, p) for a in articles for p in a.paragraphs if len(p.text.split()) >= 40]
    lost = [(aid, p) for aid, p in long if p.role != "body"]
    return {
        "paragraphs": dict(roles),
        "long_paragraphs": len(long),
        "long_not_body": len(lost),
        "long_not_body_share": round(len(lost) / max(len(long), 1), 4),
        "long_not_body_examples": [[aid, p.role, p.text[:160]] for aid, p in lost[:10]],
        "related_lists": sum(1 for a in articles if a.related_titles),
        "credits": Counter(c for a in articles for c in a.credits).most_common(10),
    }


# (c) trafilatura-eval --------------------------------------------------------
def html_articles(pages: list[dict], steps: list[str]) -> list:
    """The article newsdesk reads from each page (None when skipped), after ``steps``."""
    from newsdesk import ingest
    from newsdesk.ingest import html as html_reader
    from newsdesk.model import Article

    with desk(steps=steps) as d:
        options = ingest.Options.from_config(d.config["ingest"])
        found = []
        for number, page in enumerate(pages):
            item = html_reader.read(page["html"], page["url"], options, article_id=str(number), url=page["url"])
            if isinstance(item, Article):
                d.pipeline.process([item])
                found.append(item)
            else:
                found.append(None)
        return found


def html(limit: int) -> dict:
    from newsdesk.model import CONTENT_ROLES

    from .ingest import snippet_scores

    pages = data.trafilatura_eval(limit)
    result = {"pages": len(pages)}
    for label, steps in (("normalize", ["normalize"]), ("roles+glue", STEPS)):
        articles = html_articles(pages, steps)
        texts = ["\n".join(p.text for p in a.paragraphs if p.role in CONTENT_ROLES) if a else "" for a in articles]
        scores = snippet_scores(pages, texts)
        result[label] = {
            "with_recall": scores["recall"],
            "token_recall": scores["token"]["recall"],
            "token_f1": scores["token"]["f1"],
            "counts": scores["counts"],
        }
        if label != "normalize":
            result["roles"] = dict(Counter(p.role for a in articles if a for p in a.paragraphs))
    return result


# ----------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=1000, help="GVC articles in the sample (default 1000)")
    parser.add_argument("--html-limit", type=int, default=200, help="trafilatura-eval pages (0 skips them)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the GVC sample")
    args = parser.parse_args()

    report: dict = {"seeds": {"glue": {}, "roles": seed_roles()}, "gvc": {}}
    for lexicon in LEXICONS:
        report["seeds"]["glue"][lexicon] = seed_glue(lexicon)
    report["seeds"]["glue"]["wordsegment.segment unguarded"] = seed_glue_unguarded()
    for lexicon in LEXICONS:
        report["gvc"][lexicon] = gvc(args.limit, args.seed, lexicon, show=lexicon == "wordsegment")
    if args.html_limit:
        report["trafilatura_eval"] = html(args.html_limit)
    report["headline"] = headline(report)
    print_report(report)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nwrote {OUT}")


def headline(report: dict) -> dict:
    """The figures floored in bench/baseline.toml [clean]."""
    glue, roles = report["seeds"]["glue"]["wordsegment"], report["seeds"]["roles"]
    figures = {
        "seeds_glue_precision": glue["precision"],
        "seeds_glue_recall": glue["recall"],
        "seeds_real_words_split": len(glue["real_words_split"]),
        "seeds_body_side_accuracy": roles["body_side_accuracy"],
        "seeds_role_accuracy": roles["accuracy"],
        "gvc_long_paragraphs_not_body_share": report["gvc"]["wordsegment"]["roles"]["long_not_body_share"],
    }
    if "trafilatura_eval" in report:
        figures["trafilatura_eval_token_f1_after_roles"] = report["trafilatura_eval"]["roles+glue"]["token_f1"]
    return figures


def print_report(report: dict) -> None:
    print("== seeds: glue repair against bench/annotations/seeds_glue.json")
    for name, g in report["seeds"]["glue"].items():
        print(
            f"  {name:32s} precision {g['precision']:.3f}  recall {g['recall']:.3f}  "
            f"({g['found']} found / {g['gold']} gold)  real words split: {g['real_words_split'] or 'none'}"
        )
        for item in g["false"][:5]:
            print(f"      false: {item}")
        for item in g["missed"][:5]:
            print(f"      missed: {item}")
    r = report["seeds"]["roles"]
    print("== seeds: roles against bench/annotations/seeds_roles.json")
    print(
        f"  {r['paragraphs']} paragraphs: accuracy {r['accuracy']:.3f}, body / not body {r['body_side_accuracy']:.3f}"
    )
    print(
        f"  related titles captured: {r['related_titles_captured']}  credits captured: {r['credits_captured']} "
        f"{r['credits']}"
    )
    for item in r["wrong"]:
        print(f"      wrong: {item}")
    print("== GVC sample")
    for name, g in report["gvc"].items():
        print(
            f"  {name:12s} {g['articles']} articles: {g['repairs']} repairs ({g['punctuation_repairs']} punctuation), "
            f"{g['repairs_per_10k_words']} per 10k words; ms/article {g['ms_per_article']}"
        )
        for before, after, context in g["word_repairs"]:
            print(f"      word glue: {before!r} -> {after!r}   …{context}…")
    g = report["gvc"]["wordsegment"]
    print("  30 random repairs (wordsegment):")
    for item in g.get("sample", []):
        print(f"    [{item['role']}] {item['before']!r} -> {item['after']!r}   …{item['context']}…")
    roles = g.get("roles", {})
    if roles:
        print(f"  roles: {roles['paragraphs']}")
        print(
            f"  long paragraphs (40+ words) not body: {roles['long_not_body']} of {roles['long_paragraphs']} "
            f"({100 * roles['long_not_body_share']:.2f}%); articles with a related list: {roles['related_lists']}; "
            f"credits: {roles['credits']}"
        )
        for item in roles["long_not_body_examples"]:
            print(f"    {item}")
    if "trafilatura_eval" in report:
        t = report["trafilatura_eval"]
        print(f"== trafilatura-eval, {t['pages']} pages: content text (body + heading)")
        for label in ("normalize", "roles+glue"):
            s = t[label]
            print(
                f"  after {label:11s} with-snippet recall {s['with_recall']:.4f}  token recall {s['token_recall']:.4f}  "
                f"token F1 {s['token_f1']:.4f}  {s['counts']}"
            )
        print(f"  roles: {t.get('roles')}")
    if gate.check("clean", report["headline"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
