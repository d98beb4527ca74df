"""Online story clustering: joining, starting, linking, merging, replacing, order, persistence, CLI."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest
from click.testing import CliRunner

from newsdesk import Desk
from newsdesk.cli import main
from newsdesk.model import Article, Paragraph
from newsdesk.stories.cluster import representative_title, title_key
from newsdesk.stories.index import Entry, Settings, StoryIndex, bisect
from newsdesk.stories.terms import date_terms, stop_words

STEPS = 'pipeline.steps=["normalize", "dedup", "reuse", "stories"]'


def article(article_id, title, paragraphs, published="2024-05-02", source=None, related=()):
    return Article(
        id=article_id,
        title=title,
        published=published,
        source=source,
        related_titles=list(related),
        paragraphs=[Paragraph(index=i, text=t, raw=t) for i, t in enumerate(paragraphs)],
    )


FERRY = [
    article(
        "ferry-1",
        "Ferry runs aground near Kellsund harbour",
        [
            "The passenger ferry Marisol ran aground on a sandbank near Kellsund harbour on Thursday morning with 212 passengers aboard.",
            "Coast guard captain Ilse Varga said tugboats would try to refloat the Marisol at high tide.",
        ],
        "2024-05-02",
        "Coast Daily",
    ),
    article(
        "ferry-2",
        "Marisol passengers brought ashore after grounding",
        [
            "All 212 passengers of the ferry Marisol were brought ashore in Kellsund by lifeboats, the coast guard said.",
            "Captain Ilse Varga said the sandbank had shifted after last week's storms.",
        ],
        "2024-05-02",
        "Nordic Wire",
    ),
    article(
        "ferry-3",
        "Tugboats refloat the Marisol at Kellsund",
        [
            "Tugboats refloated the ferry Marisol at high tide on Friday, a day after it ran aground near Kellsund harbour.",
            "Ilse Varga of the coast guard said divers found no leak in the hull of the Marisol.",
        ],
        "2024-05-03",
        "Coast Daily",
    ),
]
ORCHESTRA = [
    article(
        "music-1",
        "Brenham orchestra names new conductor",
        [
            "The Brenham Philharmonic named the violinist Tomasz Orlicki as its principal conductor from next season.",
            "Orlicki, 41, has led the chamber ensemble of the Brenham conservatory since 2019.",
        ],
        "2024-05-02",
        "Arts Weekly",
    ),
    article(
        "music-2",
        "Orlicki to lead the Brenham Philharmonic",
        [
            "Tomasz Orlicki will become principal conductor of the Brenham Philharmonic, the orchestra announced.",
            "The Brenham conservatory said Orlicki would keep teaching a masterclass.",
        ],
        "2024-05-03",
        "City Herald",
    ),
]
LONE = article(
    "lone",
    "Wheat prices fall on the Dunmore exchange",
    [
        "Wheat futures fell three percent on the Dunmore commodity exchange after forecasts of a record harvest.",
    ],
    "2024-05-02",
    "Market News",
)


@pytest.fixture
def desk():
    with Desk(":memory:", overrides=[STEPS]) as d:
        yield d


def partition(desk):
    groups = {}
    for row in desk.store.article_rows():
        groups.setdefault(row["story"], set()).add(row["id"])
    return sorted(sorted(g) for g in groups.values())


EXPECTED = [["ferry-1", "ferry-2", "ferry-3"], ["lone"], ["music-1", "music-2"]]


def test_articles_join_their_story_one_at_a_time(desk):
    for item in FERRY + ORCHESTRA + [LONE]:
        desk.add(item)  # incremental: one add per article
    assert partition(desk) == EXPECTED
    stories = {tuple(sorted(s.articles)): s for s in desk.stories()}
    ferry = stories[("ferry-1", "ferry-2", "ferry-3")]
    assert ferry.first_published == "2024-05-02" and ferry.last_published == "2024-05-03"
    assert ferry.independent_sources == 2  # Coast Daily twice
    assert ferry.title in {a.title for a in FERRY}
    assert desk.story(ferry.id).articles == ["ferry-1", "ferry-2", "ferry-3"]  # Story.articles in time order
    assert desk.article("ferry-2").story == ferry.id


def test_order_does_not_change_the_stories():
    items = FERRY + ORCHESTRA + [LONE]
    for seed in range(3):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        with Desk(":memory:", overrides=[STEPS]) as desk:
            desk.add(shuffled)
            assert partition(desk) == EXPECTED


def test_related_title_links_articles_without_shared_words(desk):
    first = article("x1", "Museum reopens its east wing", ["Visitors queued for the reopened galleries of painting."])
    second = article(
        "x2",
        "Tickets sold out within hours",
        ["Online booking closed before noon on Saturday."],
        related=["Museum reopens its east wing"],
    )
    desk.add([first, second])
    assert desk.article("x1").story == desk.article("x2").story
    assert title_key("Museum reopens its  EAST wing!") == title_key(first.title)


def test_similar_articles_months_apart_do_not_join(desk):
    late = article("late", FERRY[1].title, [p.text for p in FERRY[1].paragraphs], "2025-01-15")
    desk.add([FERRY[0], late])
    assert desk.article("ferry-1").story != desk.article("late").story


def test_follow_up_naming_the_incident_day_joins_months_later(desk):
    first = article(
        "shot-1",
        "Man shot on Hollin Street",
        [
            "A 24-year-old man was shot on Hollin Street in Varrow on Saturday night, police said.",
            "Detectives asked witnesses of the Hollin Street shooting to call the Varrow precinct.",
        ],
        "2024-05-06",
    )
    trial = article(
        "shot-2",
        "Trial opens for Hollin Street shooting",
        [
            "A jury heard opening statements in the trial over the May 4 shooting on Hollin Street in Varrow.",
            "Prosecutors said the defendant fired at the victim after an argument near a Varrow bar.",
        ],
        "2024-09-10",
    )
    desk.add([first, trial])
    assert desk.article("shot-1").story == desk.article("shot-2").story


def test_only_a_shared_day_with_its_year_lifts_the_time_factor():
    words = {"shooting": 1.0, "hollin": 1.0, "varrow": 1.0}
    index = StoryIndex(Settings(threshold=0.5))
    for i in range(5):  # a day many desk articles name still counts
        index.assign(f"other{i}", Entry({f"topic{i}": 1.0, "@2024-05-04": 1.0}, 739000, ""), f"s-other{i}")
    index.assign("first", Entry({**words, "@2024-05-04": 1.0, "@--05-04": 1.0}, 739000, ""), "s-first")
    assert index.assign("trial", Entry({**words, "@2024-05-04": 1.0}, 739150, ""), "s-trial")[0] == "s-first"
    assert index.assign("month-day", Entry({**words, "@--05-04": 1.0}, 739300, ""), "s-month-day")[0] == "s-month-day"


def test_date_terms_resolve_relative_days_and_keep_month_days():
    assert {"@2024-05-04", "@--05-04"} <= set(
        date_terms(article("d1", "", ["He was shot on Saturday night."], "2024-05-06"))
    )
    assert date_terms(article("d2", "", ["The quake struck on May 3 near the coast."], None)) == ["@--05-03"]
    assert date_terms(article("d3", "", ["Nothing dated here, 15-year-old aside."], None)) == []


def test_different_days_or_years_weaken_a_match():
    quake = {"earthquake": 1.0, "coast": 1.0}
    index = StoryIndex(Settings(threshold=0.5, date_conflict=0.4))
    index.assign("q2008", Entry({**quake, "2008": 1.0}, None, ""), "s-2008")
    assert index.assign("q2011", Entry({**quake, "2011": 1.0}, None, ""), "s-2011")[0] == "s-2011"
    assert index.assign("q2011b", Entry({**quake, "2011": 1.0, "@--03-11": 1.0}, None, ""), "s-new")[0] == "s-2011"
    assert StoryIndex.date_conflict(Entry({"@--03-11": 1.0}, None, ""), Entry({"@--05-12": 1.0}, None, ""))
    assert not StoryIndex.date_conflict(Entry({"@--03-11": 1.0}, None, ""), Entry({"quake": 1.0}, None, ""))


def test_duplicate_joins_its_original_and_is_not_counted(desk):
    copy = article(
        "copy",
        "Copy of the grounding report",
        [p.text for p in FERRY[0].paragraphs],
        "2024-05-02",
        "Coast Daily Mirror",
    )
    desk.add([FERRY[0], copy])
    assert desk.article("copy").duplicate_of == "ferry-1"
    story = desk.story(desk.article("copy").story)
    assert story.articles == ["ferry-1", "copy"]
    assert story.independent_sources == 1


def test_replaced_article_moves_to_its_new_story(desk):
    desk.add(FERRY + ORCHESTRA)
    rewritten = article("ferry-3", ORCHESTRA[0].title, [p.text for p in ORCHESTRA[1].paragraphs], "2024-05-03")
    summary = desk.add(rewritten)
    assert summary.updated == ["ferry-3"]
    assert partition(desk) == [["ferry-1", "ferry-2"], ["ferry-3", "music-1", "music-2"]]
    assert all("ferry-3" not in s.articles or len(s.articles) == 3 for s in desk.stories())


def test_removed_article_leaves_its_story_and_empty_stories_go(desk):
    desk.add([FERRY[0], LONE])
    desk.remove("lone")
    assert [s.articles for s in desk.stories()] == [["ferry-1"]]


def test_stories_merge_when_an_article_bridges_them():
    index = StoryIndex(Settings(threshold=0.3, merge_threshold=0.3, days_floor=1.0))
    terms = {"a": {"kellsund": 1.0, "ferry": 1.0}, "b": {"marisol": 1.0, "tug": 1.0}, "c": {"zebra": 1.0}}
    index.assign("a", Entry(terms["a"], None, ""), "s-a")
    index.assign("b", Entry(terms["b"], None, ""), "s-b")
    index.assign("c", Entry(terms["c"], None, ""), "s-c")
    story, moved = index.assign("bridge", Entry({**terms["a"], **terms["b"]}, None, ""), "s-bridge")
    assert story == "s-a" and moved == [("s-b", "s-a", ["b"])]
    assert index.members["s-a"] == {"a", "b", "bridge"} and "s-b" not in index.members


def two_events(prefix: str, shared: dict, own: dict, count: int) -> list[tuple[str, Entry]]:
    """``count`` reports of one event: the words of its kind (``shared``), its own words, one word per report."""
    return [(f"{prefix}{i}", Entry({**shared, **own, f"{prefix}-detail-{i}": 1.0}, None, "")) for i in range(count)]


def test_a_story_of_two_look_alike_events_splits_and_a_tight_one_does_not():
    kind = {"earthquake": 1.0, "magnitude": 1.0, "aftershocks": 1.0}
    quake_a = two_events("a", kind, {"islands": 1.0, "ferries": 1.0, "tsunami": 1.0}, 5)
    quake_b = two_events("b", kind, {"mountains": 1.0, "landslide": 1.0, "villages": 1.0}, 5)
    index = StoryIndex(
        Settings(threshold=0.1, days_floor=1.0, max_df=1.0, candidate_df=1.0), story_name=lambda a: "s-" + a
    )
    moves = [index.assign(article_id, entry)[1] for article_id, entry in quake_a + quake_b]
    # the first report of quake b joined quake a's story; the split at 10 articles repaired it
    assert ("s-a0", "s-b0", ["b0", "b1", "b2", "b3", "b4"]) in moves[-1]
    assert index.members == {"s-a0": {f"a{i}" for i in range(5)}, "s-b0": {f"b{i}" for i in range(5)}}
    tight = StoryIndex(
        Settings(threshold=0.1, days_floor=1.0, max_df=1.0, candidate_df=1.0), story_name=lambda a: "s-" + a
    )
    for article_id, entry in two_events("t", kind, {"islands": 1.0}, 10):
        assert tight.assign(article_id, entry)[0] == "s-t0"


def test_desk_records_a_split_in_both_stories():
    overrides = [STEPS, "stories.threshold=0.1", "stories.max_df=1.0", "stories.candidate_df=1.0"]
    kind = "Earthquake of magnitude six with aftershocks"
    with Desk(":memory:", overrides=overrides) as desk:
        for event, words in [("a", "islands ferries tsunami"), ("b", "mountains landslide villages")]:
            desk.add(
                [
                    article(f"{event}{i}", f"Quake report {event}{i}", [f"{kind} {words} detail{event}{i}."])
                    for i in range(5)
                ]
            )
        assert partition(desk) == [["a0", "a1", "a2", "a3", "a4"], ["b0", "b1", "b2", "b3", "b4"]]
        assert sorted(len(story.articles) for story in desk.stories()) == [5, 5]


def test_shared_rare_names_lift_a_match_at_most_twofold():
    def sims(weight):
        index = StoryIndex(Settings(specific_weight=weight, candidate_df=1.0, max_df=1.0, days_floor=1.0))
        index.insert(
            "first", Entry({"#jane okafor": 1.0, "#elm street": 1.0, "shooting": 1.0, "vigil": 1.0}, None, "s1")
        )
        for i in range(6):
            index.insert(f"other{i}", Entry({"shooting": 1.0, f"filler{i}": 1.0}, None, f"s{i + 2}"))
        return index.similarities(
            Entry({"#jane okafor": 1.0, "#elm street": 1.0, "shooting": 1.0, "trial": 1.0}, None, "")
        )

    plain, lifted = sims(0.0), sims(0.05)
    assert plain["first"] < lifted["first"] <= 2 * plain["first"]
    assert lifted["other0"] == plain["other0"]  # "shooting" is in most of the desk: no evidence


def test_a_rare_headline_word_is_strong_evidence_and_a_number_is_not():
    index = StoryIndex(Settings(specific_weight=0.1))
    first = Entry({"^marlow": 1.0, "^7": 1.0, "marlow": 1.0, "shooting": 1.0}, None, "s1")
    index.insert("first", first)
    town = index.evidence(Entry({"^marlow": 1.0, "marlow": 1.0}, None, ""), first)
    number = index.evidence(Entry({"^7": 1.0, "marlow": 1.0}, None, ""), first)
    assert town == pytest.approx(0.1 * (math.log(2) + 1))
    assert number == pytest.approx(0.1 * math.log(2))


def test_a_round_up_joins_a_story_but_draws_no_article_to_it():
    index = StoryIndex(Settings(threshold=0.3, roundup_days=3, max_df=1.0, candidate_df=1.0))
    days = {f"@2024-05-0{d}": 1.0 for d in range(1, 5)}
    index.assign("roundup", Entry({"okafor": 1.0, "marlow": 1.0, "vigil": 1.0, **days}, 739000, ""), "s-roundup")
    later = index.assign("later", Entry({"okafor": 1.0, "marlow": 1.0, "vigil": 1.0}, 739001, ""), "s-later")
    assert later[0] == "s-later"
    index.assign("report", Entry({"okafor": 1.0, "marlow": 1.0, "trial": 1.0}, 739001, ""), "s-report")
    assert index.assign("roundup2", Entry({"okafor": 1.0, "marlow": 1.0, **days}, 739002, ""), "s-r2")[0] != "s-r2"


def test_bisect_finds_the_two_blocks_of_a_similarity_matrix():
    sim = np.full((6, 6), 0.1)
    sim[:3, :3] = sim[3:, 3:] = 0.8
    np.fill_diagonal(sim, 1.0)
    order = [4, 0, 5, 1, 3, 2]
    first, second = bisect(sim[np.ix_(order, order)])
    assert sorted(map(sorted, ([order[i] for i in first], [order[i] for i in second]))) == [[0, 1, 2], [3, 4, 5]]


def test_index_survives_reopening_the_desk(tmp_path):
    path = tmp_path / "desk.db"
    with Desk(path, overrides=[STEPS]) as desk:
        desk.add(FERRY[:2] + [LONE])
    with Desk(path, overrides=[STEPS]) as desk:
        desk.add(FERRY[2])
        assert partition(desk) == [["ferry-1", "ferry-2", "ferry-3"], ["lone"]]


def test_stored_index_catches_up_with_story_terms(tmp_path):
    # a desk written before the story tables (or grown by a tool writing story_terms only) is indexed on opening
    path = tmp_path / "desk.db"
    with Desk(path, overrides=[STEPS]) as desk:
        desk.add(FERRY[:2] + [LONE])
        tables = ("story_index", "story_links", "story_postings", "story_df")
        kept = {t: sorted(map(tuple, desk.store.db.execute(f"SELECT * FROM {t}"))) for t in tables}
        for table in tables:
            desk.store.db.execute(f"DELETE FROM {table}")
    with Desk(path, overrides=[STEPS]) as desk:
        stories = next(fn for info, fn in desk.pipeline.steps if info.name == "stories")
        with desk.store.transaction():
            stories.fresh()
        assert {t: sorted(map(tuple, desk.store.db.execute(f"SELECT * FROM {t}"))) for t in tables} == kept
        desk.add(FERRY[2])
        assert partition(desk) == [["ferry-1", "ferry-2", "ferry-3"], ["lone"]]


def test_article_without_text_or_date_gets_a_story(desk):
    desk.add([article("bare", "", [], published=None), article("title-only", "Ferry runs aground", [], None)])
    assert all(row["story"] for row in desk.store.article_rows())


def test_representative_title_shares_most_words():
    stop = stop_words()
    titles = ["Ferry aground", "Ferry runs aground near Kellsund", "Kellsund ferry aground again", "Unrelated words"]
    assert representative_title(titles, stop) in titles[1:3]
    assert representative_title([], stop) == ""


def test_cli_stories_and_story(tmp_path):
    db = str(tmp_path / "desk.db")
    with Desk(db, overrides=[STEPS]) as desk:
        shared = FERRY[0].paragraphs[0].text
        desk.add(FERRY + [article("ferry-4", "More on the ferry", [shared], "2024-05-04", "Nordic Wire")])
        story_id = desk.article("ferry-1").story
    runner = CliRunner()
    listing = runner.invoke(main, ["stories", "--db", db])
    assert listing.exit_code == 0, listing.output
    assert story_id in listing.output and "2024-05-02" in listing.output and "2024-05-04" in listing.output
    shown = runner.invoke(main, ["story", story_id, "--db", db])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    order = [
        next(i for i, line in enumerate(lines) if f" {name} " in line + " ")
        for name in ("ferry-1", "ferry-3", "ferry-4")
    ]
    assert order == sorted(order)  # time order
    assert "re-uses ferry-1 ¶0 (verbatim, 1.00)" in shown.output
    missing = runner.invoke(main, ["story", "nope", "--db", db])
    assert missing.exit_code == 1 and "newsdesk stories" in missing.output


def test_page_template_copies_follow_their_headlines_not_each_other(desk):
    wall = ["Please confirm your email address to keep reading.", "Check your spam folder if the message is late."]
    desk.add(
        [
            FERRY[0],
            ORCHESTRA[0],
            LONE,
            article("wall-0", "Wheat prices slide in Dunmore", wall, "2024-05-03"),
            article("wall-1", "Grounded ferry Marisol refloated at Kellsund", wall, "2024-05-03"),
            article("wall-2", "Orlicki named Brenham Philharmonic conductor", wall, "2024-05-03"),
        ]
    )
    # a template body under another headline is no copy (issue 20): each page counts in its own story
    assert desk.article("wall-1").duplicate_of is None and desk.article("wall-2").duplicate_of is None
    assert partition(desk) == [["ferry-1", "wall-1"], ["lone", "wall-0"], ["music-1", "wall-2"]]


def story_terms(desk, article_id):
    row = desk.store.db.execute("SELECT data FROM story_terms WHERE article_id = ?", (article_id,)).fetchone()
    return json.loads(row[0])["terms"]


def test_a_paragraph_printed_under_other_stories_is_left_out_of_the_terms(desk):
    sign_off = "Follow the Harbourview Gazette newsroom on its weekly podcast for more local reporting."
    signed = [
        article(a.id, a.title, [p.text for p in a.paragraphs] + [sign_off], a.published, "Harbourview Gazette")
        for a in (FERRY[0], ORCHESTRA[0], LONE)
    ]
    desk.add(signed)
    wire = FERRY[0].paragraphs[0].text  # the first ferry report, reprinted by another outlet under its own lead
    late = article(
        "late",
        "Divers inspect the Marisol hull",
        ["Divers inspected the hull of the Marisol at Kellsund on Friday.", wire, sign_off],
        "2024-05-03",
    )
    desk.add(late)
    terms = story_terms(desk, "late")
    assert "podcast" not in terms and "harbourview" not in terms  # the sign-off under three stories
    assert "sandbank" in terms and "passengers" in terms  # the reprinted report: its holders share one story
    assert "podcast" in story_terms(desk, "ferry-1")  # the first pages printing it could not know
    assert desk.article("late").story == desk.article("ferry-1").story


def test_boilerplate_articles_zero_keeps_every_paragraph():
    sign_off = "Follow the Harbourview Gazette newsroom on its weekly podcast for more local reporting."
    with Desk(":memory:", overrides=[STEPS, "stories.boilerplate_articles=0"]) as desk:
        desk.add(
            [
                article(a.id, a.title, [p.text for p in a.paragraphs] + [sign_off], a.published)
                for a in (FERRY[0], ORCHESTRA[0], LONE)
            ]
        )
        assert "podcast" in story_terms(desk, "lone")


def test_stored_index_reads_the_frequencies_and_vectors_the_memory_index_has(tmp_path):
    # terms travel to SQLite as one JSON parameter: quotes, backslashes and characters outside the BMP must survive
    from newsdesk.stories.stored import StoredIndex

    odd = ['say "no"', "back\\slash", "caf\u00e9", "\U0001f600 smile", "#o'neil", "@2024-05-01", "plain"]
    entries = {f"a{i}": Entry({t: 1.0 + i * 0.5 for t in odd[i % 3 :]}, 739000 + i, "s") for i in range(5)}
    memory = StoryIndex(Settings(max_df=1.0))
    with Desk(tmp_path / "desk.db", overrides=[STEPS]) as desk:
        stored = StoredIndex(Settings(max_df=1.0), desk.store.db, lambda a: "story-" + a)
        for seq, (article_id, entry) in enumerate(entries.items(), 1):
            memory.insert(article_id, entry)
            stored.insert(article_id, Entry(dict(entry.terms), entry.day, "s"), seq)
        stored.drop_cached()
        n = memory.size()
        stored.prefetch(odd + ["absent"])
        assert [stored.frequency(t) for t in odd + ["absent"]] == [memory.frequency(t) for t in odd + ["absent"]]
        stored.drop_cached()
        for entry in entries.values():
            stored.prefetch(entry.terms)
            assert stored.vector(entry.terms, n) == memory.vector(entry.terms, n)
