import pytest
from hypothesis import given, strategies as st

from newsdesk import config
from newsdesk.errors import ConfigError


def test_defaults_have_a_pipeline():
    defaults = config.defaults()
    assert defaults["pipeline"]["steps"][0] == "normalize"
    assert defaults["ingest"]["max_bytes"] > 0


def test_override_parses_toml_values():
    assert config.parse_override("pipeline.batch_size=8") == {"pipeline": {"batch_size": 8}}
    assert config.parse_override('pipeline.steps=["normalize"]') == {"pipeline": {"steps": ["normalize"]}}
    assert config.parse_override("parse.model=other_model") == {"parse": {"model": "other_model"}}


def test_load_applies_user_file_then_overrides(tmp_path):
    user = tmp_path / "user.toml"
    user.write_text("[pipeline]\nbatch_size = 4\n")
    loaded = config.load(user, ["pipeline.batch_size=9"])
    assert loaded["pipeline"]["batch_size"] == 9
    assert config.load(user)["pipeline"]["batch_size"] == 4


@pytest.mark.parametrize(
    "item, message",
    [
        ("nonsense.key=1", "unknown setting 'nonsense'"),
        ("pipeline.nope=1", "unknown setting 'pipeline.nope'"),
        ("pipeline.batch_size=many", "expects int"),
        ("pipeline=3", "is a section"),
        ("novalue", "section.key=value"),
        ("pipeline..x=1", "section.key=value"),
    ],
)
def test_bad_overrides_say_what_is_wrong(item, message):
    with pytest.raises(ConfigError, match=message):
        config.load(None, [item])


def test_bad_user_files(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        config.load(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[pipeline\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        config.load(broken)


def test_float_setting_accepts_int():
    base = {"a": {"x": 0.5}}
    config.merge(base, {"a": {"x": 1}})
    assert base["a"]["x"] == 1.0 and isinstance(base["a"]["x"], float)


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_integer_override_round_trips(value):
    assert config.parse_override(f"pipeline.batch_size={value}")["pipeline"]["batch_size"] == value


def test_step_settings_defaults_match_the_shipped_file():
    """A dataclass default that drifted from defaults.toml would make Python and CLI runs differ."""
    import dataclasses

    from newsdesk.clean import glue, roles
    from newsdesk.dedup import fingerprint, reuse
    from newsdesk.extract import claims
    from newsdesk.stories import index

    shipped = config.defaults()
    for cls in (glue.Settings, roles.Settings, fingerprint.Settings, reuse.Settings, claims.Settings, index.Settings):
        built = cls.from_config()
        for field in dataclasses.fields(cls):
            assert getattr(built, field.name) == shipped[cls.section][field.name], (cls.section, field.name)
            if field.default is not dataclasses.MISSING:
                assert field.default == shipped[cls.section][field.name], (cls.section, field.name)


def test_step_settings_take_overrides_and_ignore_other_keys():
    from newsdesk.dedup import fingerprint

    settings = fingerprint.Settings.from_config({"threshold": 0.9, "unrelated": 1})
    assert settings.threshold == 0.9 and settings.shingle == config.defaults()["dedup"]["shingle"]
