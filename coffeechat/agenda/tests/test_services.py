from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.agenda.rules import agenda
from coffeechat.agenda.services import agenda_dismiss, agenda_restore, agenda_snooze
from coffeechat.agenda.tests.test_rules import SECOND, at, talk
from coffeechat.conversations.models import State

NOW = at(11, 12)


@pytest.fixture
def key(alice, contact):
    held = talk(contact, State.HELD, held_at=at(10, 15))
    return f"thank_you:conversation:{held.pk}"


def messages(error: ValidationError) -> list[str]:
    return error.messages


@pytest.mark.parametrize("until", [NOW - SECOND, NOW])
def test_a_snooze_must_end_in_the_future(alice, key, until):
    with pytest.raises(ValidationError) as error:
        agenda_snooze(owner=alice, key=key, until=until, now=NOW)
    assert messages(error.value) == ["Choose a time in the future."]
    assert not AgendaMark.objects.exists()


def test_a_snooze_ends_within_a_year_wherever_it_was_asked_for(alice, key):
    last = NOW + timedelta(days=366, hours=23)
    assert agenda_snooze(owner=alice, key=key, until=last, now=NOW).until == last
    with pytest.raises(ValidationError) as error:
        agenda_snooze(owner=alice, key=key, until=NOW + timedelta(days=367), now=NOW)
    assert messages(error.value) == ["Snooze it for a year at most, or dismiss it."]
    assert AgendaMark.objects.get().until == last


def test_a_snooze_needs_a_time_zone(alice, key):
    with pytest.raises(ValidationError):
        agenda_snooze(owner=alice, key=key, until=NOW.replace(tzinfo=None) + SECOND, now=NOW)


def test_it_snoozes_until_a_time_and_a_second_snooze_moves_it(alice, key):
    mark = agenda_snooze(owner=alice, key=key, until=NOW + SECOND, now=NOW)
    assert (mark.owner, mark.item_key, mark.action, mark.until) == (
        alice,
        key,
        MarkAction.SNOOZE,
        NOW + SECOND,
    )

    agenda_snooze(owner=alice, key=key, until=at(12, 9), now=NOW)

    [mark] = AgendaMark.objects.all()
    assert mark.until == at(12, 9)


def test_dismissing_replaces_a_snooze(alice, key):
    agenda_snooze(owner=alice, key=key, until=at(12, 9), now=NOW)
    mark = agenda_dismiss(owner=alice, key=key, now=NOW)
    assert (mark.action, mark.until) == (MarkAction.DISMISS, None)
    assert AgendaMark.objects.count() == 1


@pytest.mark.parametrize("service", ["snooze", "dismiss"])
def test_a_key_not_on_the_agenda_is_refused(alice, key, service):
    unknown = key.replace("thank_you", "nudge")
    with pytest.raises(ValidationError) as error:
        if service == "snooze":
            agenda_snooze(owner=alice, key=unknown, until=at(12), now=NOW)
        else:
            agenda_dismiss(owner=alice, key=unknown, now=NOW)
    assert "not on your agenda" in messages(error.value)[0]
    assert not AgendaMark.objects.exists()


@pytest.mark.parametrize("service", ["snooze", "dismiss"])
def test_nobody_can_mark_another_users_item(alice, bob, key, service):
    with pytest.raises(ValidationError):
        if service == "snooze":
            agenda_snooze(owner=bob, key=key, until=at(12), now=NOW)
        else:
            agenda_dismiss(owner=bob, key=key, now=NOW)
    assert not AgendaMark.objects.exists()


def test_restoring_undoes_a_snooze_or_a_dismissal(alice, key):
    agenda_dismiss(owner=alice, key=key, now=NOW)
    assert agenda(owner=alice, now=NOW).hidden[0].key == key

    mark = agenda_restore(owner=alice, key=key)

    assert (mark.item_key, mark.action) == (key, MarkAction.DISMISS)
    assert not AgendaMark.objects.exists()
    assert key in [i.key for i in agenda(owner=alice, now=NOW).items]


def test_a_hidden_item_can_be_marked_again(alice, key):
    agenda_dismiss(owner=alice, key=key, now=NOW)
    agenda_snooze(owner=alice, key=key, until=at(12), now=NOW)
    assert AgendaMark.objects.get().action == MarkAction.SNOOZE


def test_restoring_needs_a_mark_of_ones_own(alice, bob, key):
    with pytest.raises(ValidationError):
        agenda_restore(owner=alice, key=key)

    agenda_dismiss(owner=alice, key=key, now=NOW)
    with pytest.raises(ValidationError):
        agenda_restore(owner=bob, key=key)
    assert AgendaMark.objects.get().owner == alice
