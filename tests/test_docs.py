"""Docs checked by tests: every command and every setting is documented."""

from pathlib import Path

import click

from newsdesk import config
from newsdesk.cli import main

DOCS = Path(__file__).resolve().parents[1] / "docs"


def all_docs() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))


def test_every_command_has_help_and_appears_in_docs():
    text = all_docs()
    for name, command in main.commands.items():
        assert command.help, f"command {name} has no help text"
        assert f"newsdesk {name}" in text, f"`newsdesk {name}` is not in docs/"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"option {param.opts} of {name} has no help text"


def test_every_setting_appears_in_the_configuration_doc():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    for section, values in config.defaults().items():
        for key in values:
            assert f"{section}.{key}" in text, f"setting {section}.{key} is not in docs/configuration.md"
