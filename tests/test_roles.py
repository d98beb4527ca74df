"""Paragraph roles: captions, credits, related lists, boilerplate, headings (sentences written for the tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.clean import roles
from newsdesk.clean.normalize import make_normalize
from newsdesk.ingest.text import parse
from newsdesk.model import ROLES, Article, Paragraph

ANNOTATIONS = Path(__file__).resolve().parents[1] / "bench" / "annotations"

BODY = [
    "The council approved the new budget on Monday after a long debate about school funding in the district.",
    "Opposition members said the plan would leave rural clinics without enough staff during the winter months.",
    "The mayor said the city would publish a detailed schedule of the spending before the end of the month.",
    "Several residents attended the meeting and asked about the cost of repairing the old river bridge.",
]


def article_of(*texts: str) -> Article:
    paragraphs = [Paragraph(index=i, text=t, raw=t) for i, t in enumerate(texts)]
    return roles.assign(Article(id="a", title="A title", paragraphs=paragraphs))


def role_of(article: Article, text: str) -> str:
    return next(p.role for p in article.paragraphs if p.text == text)


def from_text(text: str) -> Article:
    article = parse(text, "t")
    make_normalize({}, None)(article)
    return roles.assign(article)


# captions ------------------------------------------------------------------
@pytest.mark.parametrize(
    "caption",
    [
        "A man walks past a damaged building in the city centre (AFP)",
        "Firefighters at the scene on Sunday. (Photo: Jane Doe via Reuters/Screenshot)",
        "Members of the rescue team pose next to their truck (Northern Relief Team via AP)",
    ],
)
def test_caption_with_a_parenthetical_credit(caption):
    article = article_of(BODY[0], caption, BODY[1])
    assert role_of(article, caption) == "caption"
    assert role_of(article, BODY[0]) == role_of(article, BODY[1]) == "body"


def test_acronym_in_parentheses_is_not_a_credit():
    text = "The delegates met members of the National Election Board (NEB)"
    assert roles.photo_credit(text) is None
    assert role_of(article_of(BODY[0], text, BODY[1]), text) != "caption"


def test_long_paragraph_ending_in_parentheses_stays_body():
    text = " ".join(BODY) + " (See Video)"
    assert role_of(article_of(BODY[0], text, BODY[1]), text) == "body"


@pytest.mark.parametrize(
    "text",
    [
        "The suspect was seen near the station (age unknown)",
        "Shares rose 4% in early trading (2023)",
        "The region lies in the east (D)",
    ],
)
def test_parentheses_that_are_not_credits(text):
    assert roles.photo_credit(text) is None


def test_repeated_gallery_title_and_its_block():
    text = "\n\n".join(
        [
            "Budget vote in the council",
            BODY[0],
            "Council budget vote\nCouncillors raise their hands during the vote (Reuters)\nCouncil budget vote",
            BODY[1],
            "Council budget vote\nThe mayor speaks to the press after the session",
            BODY[2],
        ]
    )
    article = from_text(text)
    assert [p.role for p in article.paragraphs] == [
        "body",
        "caption",
        "caption",
        "caption",
        "body",
        "caption",
        "caption",
        "body",
    ]
    assert [p.line for p in article.paragraphs if p.role == "caption"] == [5, 6, 7, 11, 12]


# end matter ----------------------------------------------------------------
def test_related_list_under_a_colon_header():
    article = article_of(
        *BODY,
        "More on this:",
        "Rivers rise again as storms return to the north",
        "The minister said the bridge will “reopen in spring.”",
    )
    assert [p.role for p in article.paragraphs[-3:]] == ["related"] * 3
    assert article.related_titles == [
        "Rivers rise again as storms return to the north",
        "The minister said the bridge will “reopen in spring.”",
    ]
    assert all(p.role == "body" for p in article.paragraphs[:4])


def test_related_list_under_a_short_header_without_colon():
    article = article_of(
        *BODY,
        "Read more",
        "Rivers rise again as storms return to the north",
        "Council elects a new speaker after a tight vote",
    )
    assert article.related_titles == [
        "Rivers rise again as storms return to the north",
        "Council elects a new speaker after a tight vote",
    ]


def test_update_header_followed_by_sentences_is_not_a_list():
    article = article_of(
        *BODY, "UPDATE:", "Police arrested a second suspect on Tuesday.", "The investigation is continuing."
    )
    assert article.related_titles == []
    assert role_of(article, "Police arrested a second suspect on Tuesday.") == "body"


@pytest.mark.parametrize(
    "line, names",
    [
        ("(With information from AFP and AP)", ["AFP", "AP"]),
        ("(Reporting by Ann Lee; Editing by Bo Chan)", ["Ann Lee", "Bo Chan"]),
        ("The Associated Press contributed to this report.", ["The Associated Press"]),
    ],
)
def test_closing_credit_line(line, names):
    article = article_of(*BODY, line)
    assert article.paragraphs[-1].role == "credit"
    assert article.credits == names


def test_credit_above_a_related_list():
    article = article_of(
        *BODY,
        "(With information from AFP)",
        "Keep up:",
        "Rivers rise again as storms return",
        "Council elects a new speaker after a tight vote",
    )
    assert article.credits == ["AFP"]
    assert [p.role for p in article.paragraphs[4:]] == ["credit", "related", "related", "related"]


def test_a_sentence_with_by_in_the_body_is_not_a_credit():
    article = article_of(BODY[0], "The bridge was built by Roman engineers.", *BODY[1:])
    assert role_of(article, "The bridge was built by Roman engineers.") == "body"
    assert article.credits == []


# boilerplate and headings --------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "© 2024 Example News. All rights reserved.",
        "Subscribe to our newsletter for the morning briefing",
        "Share on Facebook",
        "Tweet",
    ],
)
def test_boilerplate(line):
    assert role_of(article_of(BODY[0], line, BODY[1]), line) == "boilerplate"


def test_heading_between_body_paragraphs():
    article = article_of(BODY[0], "What happens next?", BODY[1], BODY[2])
    assert role_of(article, "What happens next?") == "heading"


def test_all_body_article_stays_body():
    assert {p.role for p in article_of(*BODY).paragraphs} == {"body"}


def test_empty_article():
    article = roles.assign(Article(id="e", title="Only a title"))
    assert article.paragraphs == [] and article.credits == [] and article.related_titles == []


def test_step_in_a_pipeline():
    from newsdesk import Desk

    with Desk(":memory:", overrides=['pipeline.steps=["normalize","roles"]']) as desk:
        desk.add(
            Article(
                id="x",
                title="T",
                paragraphs=[
                    Paragraph(0, BODY[0], BODY[0]),
                    Paragraph(1, "A view of the port (AFP)", "A view of the port (AFP)"),
                ],
            )
        )
        assert [p.role for p in desk.article("x").paragraphs] == ["body", "caption"]


def test_settings_from_config():
    settings = roles.Settings.from_config({"max_caption_chars": 10})
    article = roles.assign(
        Article(id="a", paragraphs=[Paragraph(0, BODY[0], BODY[0]), Paragraph(1, "A view of the port (AFP)", "")]),
        settings,
    )
    assert article.paragraphs[1].role == "body"


# properties ----------------------------------------------------------------
line_text = st.one_of(
    st.sampled_from(
        [
            *BODY,
            "Read more:",
            "A view of the port (AFP)",
            "Gallery title",
            "(With information from AFP)",
            "Share",
            "What next?",
            "Rivers rise again",
        ]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=80),
)


@settings(max_examples=200)
@given(st.lists(line_text, max_size=12))
def test_every_paragraph_gets_a_known_role(texts):
    texts = [t.strip() for t in texts if t.strip()]
    article = article_of(*texts)
    assert all(p.role in ROLES for p in article.paragraphs)
    contents = [p.text for p in article.paragraphs if p.role == "related"]
    assert all(title in contents for title in article.related_titles)
    again = article_of(*texts)
    assert [p.role for p in again.paragraphs] == [p.role for p in article.paragraphs]


# the seeds -----------------------------------------------------------------
def test_seed_roles(seeds):
    labels = json.loads((ANNOTATIONS / "seeds_roles.json").read_text(encoding="utf-8"))["articles"]
    right = total = 0
    for article_id, label in labels.items():
        article = from_text((seeds / f"{article_id}.txt").read_text(encoding="utf-8"))
        by_line = {p.line: p for p in article.paragraphs}
        for line, wanted in label["roles"].items():
            wanted = wanted if isinstance(wanted, list) else [wanted]
            total += 1
            right += (by_line[int(line)].role == "body") == (wanted[0] == "body")
        assert article.related_titles == [by_line[n].text for n in label["related_lines"]]
        assert all(name in article.credits for name in label["credits"])
    assert right / total >= 0.95
