from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from coffeechat.agenda.models import AgendaMark
from coffeechat.agenda.services import agenda_dismiss, agenda_snooze
from coffeechat.agenda.tests.test_rules import at, talk
from coffeechat.conversations.models import State

NOW = at(11, 12)


@pytest.fixture
def key(alice, contact):
    held = talk(contact, State.HELD, held_at=at(10, 15))
    return f"thank_you:conversation:{held.pk}"


def test_a_snooze_must_end_by_2200_and_within_a_year(alice, key):
    with pytest.raises(ValidationError) as refusal:
        agenda_snooze(owner=alice, key=key, until=datetime(9999, 1, 1, tzinfo=UTC), now=NOW)
    assert refusal.value.messages == ["Snooze it for a year at most, or dismiss it."]
    assert not AgendaMark.objects.exists()


@pytest.mark.parametrize("suffix", ["\x00", "\r\n"])
def test_a_mark_names_an_item_on_one_line(alice, key, suffix):
    with pytest.raises(ValidationError):
        agenda_dismiss(owner=alice, key=key + suffix, now=NOW)
    assert not AgendaMark.objects.exists()
