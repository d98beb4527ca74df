"""Learned parts of the claims step: which verbs outside the cue lexicon are cues, and which claims to keep.

Two logistic regressions over features of the shared parse, trained on PolNeAR's train part by
``bench/train_claims.py`` (weights in ``claims_model.json``):

- *cues*: a verb outside the lexicon that introduces an attributed statement ("took swipes at", "was excited
  to"), from its lemma, its dependents and its subject;
- *claims*: whether a found claim is one, from its form, cue, speaker and content.

Prediction is a sum of weights, so neither scikit-learn nor numpy is needed at run time.
"""

from __future__ import annotations

import functools
import json
import math
import re
from importlib import resources

PRONOUNS = frozenset("he she i we they you it".split())
WORD = re.compile(r"\w+")


def cue_features(token) -> list[str]:
    """Features of a verb token for the cue model."""
    lemma = token.lemma_.lower()
    children = list(token.children)
    deps = sorted({c.dep_ for c in children})
    found = [f"lemma={lemma}", f"dep={token.dep_}", f"tag={token.tag_}", f"head={token.head.pos_}"]
    found += [f"child={d}" for d in deps]
    found += [f"lemma+child={lemma}|{d}" for d in deps if d in ("ccomp", "xcomp", "dobj", "prep")]
    subject = next((c for c in children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None:
        kind = "pron" if subject.lower_ in PRONOUNS else (subject.ent_type_ or subject.pos_)
        found += [f"subj={kind}", f"lemma+subj={lemma}|{kind}"]
    else:
        found.append("subj=none")
    for clause in (c for c in children if c.dep_ == "ccomp"):
        if any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children):
            found.append("ccomp_that")
    found += [f"lemma+prep={lemma}|{c.lower_}" for c in children if c.dep_ == "prep"]
    if token.i + 1 < len(token.doc):
        found.append(f"next={token.doc[token.i + 1].lower_}")
    return found


def claim_features(doc, claim, lexicon: frozenset) -> list[str]:
    """Features of a found claim (``model.Claim``) of the parsed paragraph ``doc``."""
    found = [f"form={claim.form}", f"quote={claim.direct_quote}", f"pol={claim.polarity}"]
    for name, span in (("cue", claim.cue_span), ("spk", claim.speaker_span)):
        part = doc.char_span(span.start, span.end, alignment_mode="expand") if span else None
        if part is None:
            continue
        root = part.root
        if name == "cue":
            lemma = root.lemma_.lower()
            found += [f"cue={lemma}", f"cuedep={root.dep_}", f"cuetag={root.tag_}", f"lex={lemma in lexicon}"]
            # what hangs on the cue: a clause reports, a bare object of a verb outside the lexicon often tells of an act
            kids = sorted({c.dep_ for c in root.children if c.dep_ in ("ccomp", "xcomp", "dobj", "prep", "advcl")})
            found += [f"cuekid={d}" for d in kids] + [f"lex+kid={lemma in lexicon}|{d}" for d in kids]
        else:
            kind = "pron" if root.pos_ == "PRON" else (root.ent_type_ or root.pos_)
            found += [f"spk={kind}", f"spklen={min(len(part), 5)}"]
    content = doc.char_span(claim.content_span.start, claim.content_span.end, alignment_mode="expand")
    if content is not None and len(content):  # a statement has a verb; "to a Gold Star mother" does not
        found += [
            f"croot={content.root.pos_}",
            f"cfirst={content[0].pos_}",
            f"cverb={any(t.pos_ in ('VERB', 'AUX') for t in content)}",
        ]
    words = claim.content.split()
    found += [f"len={min(len(WORD.findall(claim.content)) // 5, 8)}", f"start={words[0].lower() if words else ''}"]
    return found


@functools.lru_cache(maxsize=1)
def _models() -> dict:
    path = resources.files("newsdesk.extract").joinpath("claims_model.json")
    return json.loads(path.read_text(encoding="utf-8"))


def probability(model: str, features: list[str]) -> float:
    """The probability the ``model`` ("cue" or "claim") gives to an item with ``features``."""
    found = _models()[model]
    weights = found["weights"]
    score = found["bias"] + sum(weights.get(f, 0.0) for f in features)
    return 1.0 / (1.0 + math.exp(-score))
