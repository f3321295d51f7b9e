"""The guide shows every built-in filled in for the demo network; this keeps it true."""

import re
import shlex
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from coffeechat.accounts.services import local_user_get_or_create
from coffeechat.cli import main
from coffeechat.demo import demo_load

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "guide.md"
# The moment the guide's examples were made: the demo network's dates follow from it.
MADE_AT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
SECTION = re.compile(r"^## Every message, filled in\n(.*?)^## ", re.MULTILINE | re.DOTALL)
EXAMPLE = re.compile(r"^```\n\$ (coffeechat draft .*?)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _examples() -> list[tuple[str, str]]:
    section = SECTION.search(GUIDE.read_text(encoding="utf-8"))
    assert section, "the guide has no “Every message, filled in” section"
    return EXAMPLE.findall(section.group(1))


@pytest.mark.django_db
def test_the_guide_shows_what_coffeechat_drafts():
    demo_load(owner=local_user_get_or_create(), now=MADE_AT)
    examples = _examples()
    assert len(examples) >= 14
    for command, shown in examples:
        result = CliRunner().invoke(main, shlex.split(command)[1:])
        said = [
            line
            for line in result.stderr.splitlines()
            if line.startswith(("Before you go", "Error"))
        ]
        printed = "\n".join(filter(None, [result.stdout.rstrip(), *said]))
        assert printed == shown.rstrip("\n"), command
