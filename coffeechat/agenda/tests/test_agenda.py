import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.agenda.rules import KEEP_IN_TOUCH_AT_ONCE, AgendaItem, agenda, group_of
from coffeechat.agenda.services import agenda_dismiss, agenda_restore, agenda_snooze
from coffeechat.agenda.tests.test_rules import (
    SECOND,
    at,
    person,
    received,
    refer,
    sent,
    talk,
    zone,
)
from coffeechat.contacts.models import Organization
from coffeechat.conversations.models import ChosenQuestion, Conversation, Reschedule, State
from coffeechat.demo import demo_load

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


def item(due_at: datetime, overdue_at: datetime | None = None, priority: int = 50, key="k"):
    return AgendaItem(
        key=key,
        rule="test",
        title="A thing",
        reason="Because.",
        due_at=due_at,
        overdue_at=overdue_at,
        contact=None,
        conversation=None,
        action_url="/",
        action_label="Do it",
        priority=priority,
    )


def keys(result) -> dict[str, list[str]]:
    return {group: [i.key for i in items] for group, items in result.groups()}


def group_with(result, key: str) -> str | None:
    for group, items in result.groups():
        if key in [i.key for i in items]:
            return group
    return None


# Grouping


NOW = at(11, 12)  # Wednesday 11 June 2025, 12:00 UTC


@pytest.mark.parametrize(
    ("due_at", "overdue_at", "group"),
    [
        (at(10, 23, 59, 59), None, "overdue"),
        (at(11, 0), None, "today"),
        (at(11, 23, 59, 59), None, "today"),
        (at(12, 0), None, "upcoming"),
        (at(18, 23, 59, 59), None, "upcoming"),
        (at(19, 0), None, None),
        # Its own deadline decides: due before today but not yet overdue is due today.
        (at(9), at(11, 12), "overdue"),
        (at(9), at(11, 12) + SECOND, "today"),
        (at(11, 13), at(11, 11), "overdue"),
    ],
)
def test_items_fall_into_overdue_today_and_the_next_7_days(due_at, overdue_at, group):
    assert group_of(item(due_at, overdue_at), now=NOW, tz=UTC) == group


def test_days_are_the_users_days():
    # 23:30 UTC on Wednesday is already Thursday in Berlin, still Wednesday in New York.
    late = at(11, 23, 30)
    assert group_of(item(late), now=NOW, tz=ZoneInfo("Europe/Berlin")) == "upcoming"
    assert group_of(item(late), now=NOW, tz=ZoneInfo("America/New_York")) == "today"


def test_each_group_is_ordered_by_due_time_then_priority(alice, contact):
    # The notes for one conversation and the reply of another are due at the same moment.
    talk(contact, State.HELD, held_at=at(11, 9))
    other = person(alice, "Grace Hopper")
    talk(other, requested_at=at(6), replied_at=at(11, 9))
    talk(person(alice, "Alan Turing"), State.HELD, held_at=at(11, 8))

    result = agenda(owner=alice, now=at(11, 10))

    today = [(i.rule, i.due_at) for i in result.today]
    assert today == sorted(today, key=lambda pair: pair[1])
    rules_at_nine = [rule for rule, due in today if due == at(11, 9)]
    assert rules_at_nine == ["write_notes", "propose_times"]
    assert [i.rule for i in result.upcoming][:2] == ["thank_you", "thank_you"]
    assert result.counts == {
        "overdue": len(result.overdue),
        "today": len(result.today),
        "upcoming": len(result.upcoming),
    }


# Snoozing, dismissing and restoring


@pytest.fixture
def held(alice, contact):
    return talk(contact, State.HELD, held_at=at(10, 15))


def test_a_snoozed_item_is_hidden_until_the_time_given(alice, held):
    key = f"thank_you:conversation:{held.pk}"
    assert group_with(agenda(owner=alice, now=NOW), key) == "today"

    agenda_snooze(owner=alice, key=key, until=at(11, 18), now=NOW)

    hidden = agenda(owner=alice, now=NOW)
    assert group_with(hidden, key) is None
    assert key in [i.key for i in hidden.hidden]
    assert group_with(agenda(owner=alice, now=at(11, 18) - SECOND), key) is None
    assert group_with(agenda(owner=alice, now=at(11, 18)), key) == "today"


def test_a_dismissed_item_stays_hidden_and_restoring_brings_it_back(alice, held):
    key = f"thank_you:conversation:{held.pk}"
    agenda_dismiss(owner=alice, key=key, now=NOW)

    assert group_with(agenda(owner=alice, now=NOW), key) is None
    assert group_with(agenda(owner=alice, now=at(12, 20)), key) is None

    agenda_restore(owner=alice, key=key)
    assert group_with(agenda(owner=alice, now=at(12, 20)), key) == "overdue"


def test_a_dismissal_holds_only_for_the_thing_it_was_about(alice, contact):
    zone(alice, "UTC", pitch="Hello.")
    booked = talk(contact, State.SCHEDULED, scheduled_for=at(12, 10))
    [remind] = [i for i in agenda(owner=alice, now=NOW).items if i.rule == "remind"]
    agenda_dismiss(owner=alice, key=remind.key, now=NOW)
    assert "remind" not in [i.rule for i in agenda(owner=alice, now=NOW).items]

    # Moved to Friday: a new time is a new reminder.
    Conversation.objects.filter(pk=booked.pk).update(scheduled_for=at(13, 10))
    [again] = [i for i in agenda(owner=alice, now=at(12, 1)).items if i.rule == "remind"]
    assert again.key != remind.key


def test_marks_of_another_user_never_hide_alices_items(alice, bob, held):
    key = f"thank_you:conversation:{held.pk}"
    AgendaMark.objects.create(owner=bob, item_key=key, action=MarkAction.DISMISS)
    AgendaMark.objects.create(
        owner=bob, item_key=key.replace("thank_you", "write_notes"), action=MarkAction.DISMISS
    )

    result = agenda(owner=alice, now=NOW)

    assert group_with(result, key) == "today"
    assert group_with(result, f"write_notes:conversation:{held.pk}") == "overdue"
    assert result.hidden == ()
    assert [i for i in agenda(owner=bob, now=NOW).items if i.contact is not None] == []


# The demo network

LONDON_NOWS = [
    datetime(2025, 6, 9, 11, 30, tzinfo=LONDON),  # a Monday morning
    datetime(2025, 6, 11, 16, 0, tzinfo=LONDON),  # Wednesday afternoon
    datetime(2025, 6, 9, 7, 5, tzinfo=LONDON),  # early on Monday
    datetime(2025, 6, 15, 21, 0, tzinfo=LONDON),  # Sunday evening
    datetime(2025, 3, 31, 9, 0, tzinfo=LONDON),  # just after the clocks went forward
]


@pytest.mark.parametrize("now", LONDON_NOWS, ids=lambda now: f"{now:%a-%H%M-%Y%m%d}")
def test_the_demo_network_has_something_due_for_every_step(alice, now):
    demo_load(owner=alice, now=now)

    result = agenda(owner=alice, now=now)

    by_title = {i.title: group for group, items in result.groups() for i in items}
    rules = {i.rule for i in result.items}
    assert by_title["Nudge Aisha Rahman"] in ("today", "overdue")
    # Due on an earlier day (or today), not late yet.
    assert by_title["Try someone else at Fernleaf Energy"] in ("today", "upcoming")
    assert by_title["Try someone else at Openfield Research Collective"] == "upcoming"
    # Booked for tomorrow at 10:00 and confirmed when it was agreed.
    assert by_title["Remind Oliver Brennan and re-confirm"] == "today"
    assert by_title["Prepare for Oliver Brennan"] == "today"
    assert "Confirm with Oliver Brennan" not in by_title
    # Held yesterday afternoon, nothing written and nobody thanked yet.
    assert by_title["Thank Sofia Marchetti"] == "today"
    assert by_title["Write up your conversation with Sofia Marchetti"] == "overdue"
    assert by_title["Reach out to Ben Castellanos (referred by Nadia Haddad)"]
    assert by_title["Reach out to Leila Nasser (referred by Grace Adeyemi)"]
    # Due a note for a week or two: not late yet, so not shown as late.
    assert by_title["Keep in touch with Marcus Webb"] == "upcoming"
    assert by_title["Keep in touch with Elena Petrova"] == "upcoming"
    assert {"weekly_goal", "thank_you", "reach_referral", "keep_in_touch"} <= rules
    # Leila may not hear Grace's name; Victor is not to be contacted at all.
    [leila] = [i for i in result.items if i.title.startswith("Reach out to Leila")]
    assert "Grace" not in leila.reason
    assert not [i for i in result.items if i.contact and i.contact.name == "Victor Lindqvist"]


# Queries


def network(owner, size: int, now: datetime) -> None:
    """`size` copies of one of everything the rules look at."""
    for n in range(size):
        organization = Organization.objects.create(owner=owner, name=f"Organisation {n}")
        person(owner, f"Prospect {n}", organization)
        person(owner, f"Friend {n}", organization, source="friend_family")
        met_on = (now - timedelta(days=1)).date()
        person(owner, f"Met {n}", source="event", met_on=met_on, met_at="the meetup")
        waiting = person(owner, f"Waiting {n}", organization)
        sent(
            waiting,
            "request",
            now - timedelta(days=6),
            talk(waiting, requested_at=now - timedelta(days=6)),
        )
        silent = person(owner, f"Silent {n}")
        talk(silent, requested_at=now - timedelta(days=14))
        nudged = person(owner, f"Nudged {n}", organization)
        request = talk(nudged, requested_at=now - timedelta(days=30))
        sent(nudged, "nudge", now - timedelta(days=12), request)
        accepted = person(owner, f"Accepted {n}")
        received(
            accepted, now - timedelta(days=1), talk(accepted, requested_at=now - timedelta(days=3))
        )
        booked_contact = person(owner, f"Booked {n}", organization)
        booked = talk(booked_contact, State.SCHEDULED, scheduled_for=now + timedelta(days=1))
        Reschedule.objects.create(
            owner=owner, conversation=booked, previous_start=now, new_start=now + timedelta(days=1)
        )
        ChosenQuestion.objects.create(
            owner=owner, conversation=booked, category="advice", text="What would you do?"
        )
        talk(person(owner, f"Held {n}"), State.HELD, held_at=now - timedelta(hours=20))
        thanked_contact = person(owner, f"Thanked {n}")
        thanked = talk(
            thanked_contact,
            State.THANKED,
            held_at=now - timedelta(days=101),
            thanked_at=now - timedelta(days=100),
        )
        sent(thanked_contact, "thank_you", now - timedelta(days=100), thanked)
        refer(thanked, person(owner, f"Referral {n}"), may_use_name=n % 2 == 0, when=now)
        AgendaMark.objects.create(
            owner=owner,
            item_key=f"thank_you:conversation:{thanked.pk}",
            action=MarkAction.SNOOZE,
            until=now + timedelta(days=1),
        )


def test_the_number_of_queries_does_not_grow_with_the_network(
    alice, bob, django_assert_num_queries
):
    now = at(11, 12)
    network(alice, 2, now)
    network(bob, 20, now)
    for owner in (alice, bob):
        agenda(owner=owner, now=now)  # the profile exists from here on

    with CaptureQueriesContext(connection) as small:
        small_agenda = agenda(owner=alice, now=now)
        json.dumps(small_agenda.as_json())
    with django_assert_num_queries(len(small.captured_queries)):
        large_agenda = agenda(owner=bob, now=now)
        json.dumps(large_agenda.as_json())

    assert len(small.captured_queries) <= 18
    rules = {i.rule for i in large_agenda.items}
    assert {
        "try_another",
        "nudge",
        "close_no_reply",
        "propose_times",
        "confirm",
        "remind",
        "prepare",
        "write_notes",
        "thank_you",
        "reach_referral",
        "keep_in_touch",
        "weekly_goal",
        "after_event",
        "ask_introduction",
    } <= rules
    # Keeping in touch shows a few at a time and counts the rest.
    assert len(large_agenda.items) + sum(large_agenda.more.values()) >= 9 * len(small_agenda.items)
    assert large_agenda.more["keep_in_touch"] == 20 - KEEP_IN_TOUCH_AT_ONCE


# JSON


def test_the_json_has_the_documented_shape(alice, held):
    zone(alice, "Europe/London")

    data = json.loads(json.dumps(agenda(owner=alice, now=NOW).as_json()))

    assert set(data) == {"generated_at", "time_zone", "counts", "more", "items"}
    assert data["more"] == {}
    assert data["generated_at"] == "2025-06-11T13:00:00+01:00"
    assert data["time_zone"] == "Europe/London"
    assert set(data["counts"]) == {"overdue", "today", "upcoming"}
    assert sum(data["counts"].values()) == len(data["items"])
    [thank] = [i for i in data["items"] if i["rule"] == "thank_you"]
    assert thank == {
        "key": f"thank_you:conversation:{held.pk}",
        "rule": "thank_you",
        "title": "Thank Ada Lovelace",
        "reason": "You talked yesterday at 16:00; a thank-you within 24 hours is best, naming "
        "one thing you took away.",
        "due_at": "2025-06-11T16:00:00+01:00",
        "overdue_at": "2025-06-12T16:00:00+01:00",
        "group": "today",
        "contact": {"id": held.contact_id, "name": "Ada Lovelace"},
        "conversation": {"id": held.pk, "state": "held"},
        "action_url": f"/outreach/write/{held.contact_id}/?kind=thank_you&conversation={held.pk}",
        "action_label": "Write the thank-you",
        "suggestions": [],
    }
    [goal] = [i for i in data["items"] if i["rule"] == "weekly_goal"]
    assert (goal["contact"], goal["conversation"], goal["overdue_at"]) == (None, None, None)
