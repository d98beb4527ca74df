import pytest

from newsdesk import config
from newsdesk.errors import PipelineError
from newsdesk.model import Article, Paragraph
from newsdesk.pipeline import REGISTRY, Pipeline, resolve, step


@pytest.fixture
def toy_steps():
    calls = []

    @step("toy_first", assigns=("toy",))
    def first(config, desk):
        def run(article):
            calls.append(("first", article.id))

        return run

    @step("toy_batch", requires=("toy",), assigns=("toy2",))
    def batch(config, desk):
        def run(article):
            raise AssertionError("pipe should be used")

        def pipe(articles):
            calls.append(("batch", [a.id for a in articles]))

        run.pipe = pipe
        return run

    @step("toy_desk", requires=("toy2",), scope="desk")
    def desk_step(config, desk):
        def run(article):
            calls.append(("desk", article.id))

        return run

    yield calls
    for name in ("toy_first", "toy_batch", "toy_desk"):
        REGISTRY.pop(name, None)


def test_steps_run_in_order_with_batches(toy_steps):
    cfg = config.defaults()
    cfg["pipeline"]["steps"] = ["toy_first", "toy_batch", "toy_desk"]
    pipeline = Pipeline(cfg)
    articles = [Article(id=i, paragraphs=[Paragraph(0, "x", "x")]) for i in ("a", "b")]
    pipeline.process(articles)
    for article in articles:
        pipeline.update(article)
    assert toy_steps == [("first", "a"), ("first", "b"), ("batch", ["a", "b"]), ("desk", "a"), ("desk", "b")]
    assert articles[0].steps == ["toy_first", "toy_batch"]


def test_missing_requirement_is_reported_before_running(toy_steps):
    with pytest.raises(PipelineError, match="requires toy, which no earlier step assigns"):
        resolve(["toy_batch", "toy_first"])


def test_unknown_step_lists_known_ones():
    with pytest.raises(PipelineError, match="unknown step 'nope'.*normalize"):
        resolve(["normalize", "nope"])


def test_article_step_after_desk_step_is_refused(toy_steps):
    with pytest.raises(PipelineError, match="after a desk step"):
        resolve(["toy_first", "toy_batch", "toy_desk", "normalize"])


def test_default_pipeline_resolves():
    names = config.defaults()["pipeline"]["steps"]
    assert [info.name for info in resolve(names)] == names


def test_every_registered_step_has_a_docstring_and_a_config_section():
    resolve(config.defaults()["pipeline"]["steps"])
    sections = config.defaults()
    for name, info in REGISTRY.items():
        if name.startswith("toy_"):
            continue
        assert info.doc, f"step {name} has no docstring"
        assert name in sections, f"step {name} has no [{name}] section in defaults.toml"
