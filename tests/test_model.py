from hypothesis import given, strategies as st

from newsdesk.model import Article, Claim, Entity, Mention, Paragraph, Place, Quantity, Span, stable_id

words = st.text(min_size=1, max_size=30)


@st.composite
def articles(draw):
    texts = draw(st.lists(words, min_size=1, max_size=5))
    paragraphs = [
        Paragraph(index=i, text=t, raw=t, role=draw(st.sampled_from(["body", "caption"])), line=i + 3)
        for i, t in enumerate(texts)
    ]
    span = Span(0, 0, len(texts[0]))
    return Article(
        id=draw(st.text("abcdef0123456789_", min_size=1, max_size=20)),
        title=draw(words),
        paragraphs=paragraphs,
        published=draw(st.none() | st.just("2023-05-24")),
        metadata={"k": draw(st.integers())},
        entities=[
            Entity(
                id="e1",
                name=texts[0],
                type="GPE",
                aliases=["x"],
                mentions=[Mention(span, texts[0])],
                place=Place(name=texts[0], lat=1.5, lon=2.5, precision=2),
            )
        ],
        quantities=[Quantity(span=span, text=texts[0], min=draw(st.none() | st.floats(0, 1e6)), kind="killed")],
        claims=[Claim(id="c1", span=span, content=texts[0], content_span=span, polarity="deny")],
    )


@given(articles())
def test_store_form_round_trips(article):
    assert Article.from_dict(article.to_dict()) == article


@given(articles())
def test_normalized_is_the_round_trip_without_objects(article):
    stored = article.to_dict()
    del stored["claims"][0]["polarity"], stored["quantities"][0]["kind"]  # missing fields take their defaults
    stored["entities"][0]["extra"] = 1  # unknown fields are dropped
    assert Article.normalized(stored) == Article.from_dict(stored).to_dict()


def test_transient_docs_are_not_serialised():
    article = Article(id="a", paragraphs=[Paragraph(0, "x", "x")])
    article.docs[0] = object()
    assert "docs" not in article.to_dict()
    assert Article.from_dict(article.to_dict()).docs == {}


def test_span_text_reads_title_and_paragraphs():
    article = Article(id="a", title="Head line", paragraphs=[Paragraph(0, "Body text", "Body text")])
    assert Span(-1, 0, 4).text(article) == "Head"
    assert Span(0, 5, 9).text(article) == "text"


def test_content_hash_depends_on_input_not_on_derived_fields():
    article = Article(id="a", title="T", paragraphs=[Paragraph(0, "x", "x")])
    before = article.content_hash()
    article.story = "s1"
    article.paragraphs[0].text = "repaired"
    assert article.content_hash() == before
    article.paragraphs[0].raw = "changed"
    assert article.content_hash() != before


def test_stable_id_is_deterministic_and_separates_parts():
    assert stable_id("a", "b") == stable_id("a", "b")
    assert stable_id("a", "b") != stable_id("ab", "")
