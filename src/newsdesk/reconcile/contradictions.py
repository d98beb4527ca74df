"""Where the sources of a story disagree: numeric, denial and status contradictions.

Reports are first folded into *statements* (the same words re-printed count
once), so a claim re-used by five outlets makes one contradiction, not five.
A later figure from the same source that differs from its earlier one is an
update (``Contradiction.update``), not a dispute.
"""

from __future__ import annotations

import re

from ..outlets import outlet_label
from ..model import Contradiction, stable_id
from .matching import DISPUTED_KINDS, Report, inside, jaccard, ranges_overlap, same_proposition

# A fight or operation said to be over, and one said to go on. General verbs of
# military reporting, not words of one article.
FINISHED = re.compile(
    r"\b(defeated|repelled|repulsed|driven back|driving (?:\w+ )*?back|pushed back|pushed out|"
    r"crushed|annihilated|routed|thwarted|neutralized|neutralised|is over|was over|ended|"
    r"eliminated|wiped out|withdrew|retreated|completed)\b",
    re.I,
)
ONGOING = re.compile(
    r"\b(continues?|continuing|continued|ongoing|still under way|still underway|"
    r"not over|goes on|going on|persists?)\b",
    re.I,
)


def statements(group: list[Report], config: dict) -> list[list[Report]]:
    """Reports of a group folded into statements: same polarity, same figures, and near-identical words or the
    same speaker in one article (the headline's "Army says it killed 40" and the text's "the army said its troops
    killed 40")."""
    folded: list[list[Report]] = []
    for report in group:
        for statement in folded:
            first = statement[0]
            if (
                first.denies == report.denies
                and _figures(first) == _figures(report)
                and (
                    jaccard(first.words, report.words) >= config.get("same_text", 0.6)
                    or _figures(first)
                    and first.article is report.article
                    and first.source == report.source
                )
            ):
                statement.append(report)
                break
        else:
            folded.append([report])
    return folded


def _figures(report: Report) -> set:
    return {(q.kind, q.min, q.max) for q in report.figures if q.kind in DISPUTED_KINDS}


def who(report: Report) -> str:
    """The speaker as written, else the outlet (never an article id)."""
    return report.claim.speaker_text or outlet_label(report.article.source, report.article.url)


def figure_text(report: Report, kind: str) -> str:
    return ", ".join(q.text for q in report.figures_of(kind))


def numeric_conflict(a: Report, b: Report) -> str | None:
    """The kind of figure (killed, injured, detained) on which two reports' figures conflict, if any."""
    for kind in DISPUTED_KINDS:
        mine, theirs = a.figures_of(kind), b.figures_of(kind)
        if not mine or not theirs:
            continue
        meets = any(ranges_overlap(x, y) for x in mine for y in theirs)
        if a.denies == b.denies and not meets:
            return kind
        if a.denies != b.denies and meets:
            return kind
    return None


def contradiction(story_id: str, first: list[Report], second: list[Report], config: dict) -> Contradiction | None:
    """The contradiction between two statements of one group (``first`` printed earlier), if they conflict."""
    a, b = first[0], second[0]
    if not same_proposition(a, b, config) or _nested(a, b):  # groups are transitive; a dispute needs two that meet
        return None
    claims = [r.id for r in first] + [r.id for r in second]
    kind = numeric_conflict(a, b)
    if kind is not None:
        if a.denies != b.denies:
            asserting, denying = (b, a) if a.denies else (a, b)
            text = f"{who(asserting)} reports {figure_text(asserting, kind)} {kind}; {who(denying)} denies it"
            return Contradiction(stable_id(story_id, *claims), story_id, claims, "numeric", text)
        update = a.source == b.source and a.order < b.order
        if update:
            text = f"{who(b)} revises {figure_text(a, kind)} {kind} to {figure_text(b, kind)}"
        else:
            text = f"{who(a)} reports {figure_text(a, kind)} {kind}; {who(b)} reports {figure_text(b, kind)}"
        return Contradiction(stable_id(story_id, *claims), story_id, claims, "numeric", text, update=update)
    if a.denies != b.denies and a.source != b.source and not a.side & b.side:
        asserting, denying = (b, a) if a.denies else (a, b)
        text = f"{who(denying)} denies what {who(asserting)} reports: {asserting.claim.content[:120]}"
        return Contradiction(stable_id(story_id, *claims), story_id, claims, "denial", text)
    return None


def _nested(a: Report, b: Report) -> bool:
    """Whether one claim lies inside the other's words ("according to Y, X denied that ..."): the outer one reports
    the inner one, it does not dispute it."""
    return a.article is b.article and (
        inside(a.claim.span, b.claim.content_span or b.claim.span)
        or inside(b.claim.span, a.claim.content_span or a.claim.span)
    )


def status_contradictions(story_id: str, found: list[Report]) -> list[Contradiction]:
    """An operation said to be over (defeated, driven back) and said to go on, by sources of different sides: one
    contradiction per story holding every such claim (four phrasings of "the army" against one rebel spokesman
    are one dispute, not four)."""
    finished = [r for r in found if not r.denies and FINISHED.search(r.claim.content)]
    ongoing = [r for r in found if not r.denies and ONGOING.search(r.claim.content) and r not in finished]
    pairs = [
        (done, going)
        for done in finished
        for going in ongoing
        if done.source != going.source and not done.side & going.side
    ]
    if not pairs:
        return []
    done = list({id(d): d for d, _ in pairs}.values())
    going = list({id(g): g for _, g in pairs}.values())
    ended = _listed(FINISHED.search(r.claim.content).group(0).lower() for r in done)
    goes_on = _listed(f"“{ONGOING.search(r.claim.content).group(0).lower()}”" for r in going)
    text = f"{_voices(done)} the other side was {ended}; {_voices(going)} it goes on ({goes_on})"
    claims = [r.id for r in done] + [r.id for r in going]
    return [Contradiction(stable_id(story_id, "status", *claims), story_id, claims, "status", text)]


def _listed(words) -> str:
    unique = list(dict.fromkeys(words))
    return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " or " + unique[-1]


def _voices(reports: list[Report]) -> str:
    """ "X says", "X and Y say", "X, Y and 2 others say"."""
    names = list(dict.fromkeys(who(r) for r in reports))
    if len(names) == 1:
        return f"{names[0]} says"
    if len(names) <= 3:
        return f"{', '.join(names[:-1])} and {names[-1]} say"
    return f"{', '.join(names[:2])} and {len(names) - 2} others say"


def contradictions(story_id: str, groups: list[list[Report]], found: list[Report], config: dict) -> list[Contradiction]:
    """Numeric and denial contradictions within each group, status contradictions across the story."""
    result = []
    for group in groups:
        folded = statements(group, config)
        for i, first in enumerate(folded):
            for second in folded[i + 1 :]:
                found_one = contradiction(story_id, first, second, config)
                if found_one is not None:
                    result.append(found_one)
    unique: dict[frozenset, Contradiction] = {}
    for found_one in result + status_contradictions(story_id, found):
        unique.setdefault(frozenset(found_one.claims), found_one)
    return list(unique.values())
