"""The next-step table as a whole: every state has one primary action, each action exists,
and the facts about a person lead to every row."""

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.conversations.models import State
from coffeechat.conversations.next_step import (
    ACTIONS,
    TABLE,
    Situation,
    next_step,
    situation_state,
)

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
SOON, PAST = NOW + timedelta(days=2), NOW - timedelta(hours=1)

# One situation for each row, in the table's order.
SITUATIONS = {
    "do_not_contact": Situation(state=State.REQUESTED, now=NOW, do_not_contact=True),
    "prospect": Situation(state=None, now=NOW),
    "request_draft": Situation(state=State.PLANNED, now=NOW, request_draft=True),
    "awaiting_reply": Situation(state=State.REQUESTED, now=NOW),
    "replied": Situation(state=State.REQUESTED, now=NOW, replied=True),
    "booked": Situation(state=State.SCHEDULED, now=NOW, scheduled_for=SOON),
    "prepared": Situation(state=State.SCHEDULED, now=NOW, scheduled_for=SOON, prepared=True),
    "time_passed": Situation(state=State.SCHEDULED, now=NOW, scheduled_for=PAST, prepared=True),
    "missed": Situation(state=State.NO_SHOW, now=NOW, scheduled_for=PAST),
    "held": Situation(state=State.HELD, now=NOW),
    "thank_you_draft": Situation(state=State.HELD, now=NOW, thank_you_draft=True),
    "thanked_referrals": Situation(state=State.THANKED, now=NOW, referrals_waiting=True),
    "thanked": Situation(state=State.THANKED, now=NOW),
    "cancelled": Situation(state=State.CANCELLED, now=NOW),
    "closed": Situation(state=State.DECLINED, now=NOW),
}


def test_every_row_has_one_primary_action_and_known_secondary_ones():
    for state, row in TABLE.items():
        assert row.state == state
        assert isinstance(row.primary, str) and row.primary in ACTIONS, state
        assert all(name in ACTIONS for name in row.secondary), state
        assert row.primary not in row.secondary, state
        assert len(set(row.secondary)) == len(row.secondary), state
        assert row.meaning and row.meaning[0].isupper(), state


def test_every_action_is_offered_somewhere():
    used = {row.primary for row in TABLE.values()}
    used |= {name for row in TABLE.values() for name in row.secondary}
    # Today names these for items about a step within a row (the notes, the nudge).
    assert set(ACTIONS) - used <= {"write_nudge"}


def test_the_facts_lead_to_every_row():
    assert {situation_state(s) for s in SITUATIONS.values()} == set(TABLE)
    for state, situation in SITUATIONS.items():
        assert situation_state(situation) == state


@pytest.mark.parametrize("state", [State.NO_REPLY, State.DECLINED])
def test_a_closed_request_points_to_someone_else(state):
    assert situation_state(Situation(state=state, now=NOW)) == "closed"


def test_the_booked_time_counts_as_come_at_its_start():
    at_start = Situation(state=State.SCHEDULED, now=NOW, scheduled_for=NOW)
    assert situation_state(at_start) == "time_passed"


@pytest.mark.parametrize("state", list(SITUATIONS))
def test_each_row_makes_buttons_with_urls(state):
    step = next_step(SITUATIONS[state], contact_pk=7, conversation_pk=11, draft_pk=13)
    row = TABLE[state]
    assert step.state == state and step.meaning == row.meaning
    assert step.primary.name == row.primary
    assert step.primary.label == ACTIONS[row.primary].label
    assert step.primary.url.startswith("/")
    assert [b.name for b in step.secondary] == list(row.secondary)
    assert step.primary.method in ("get", "post")


def test_the_actions_go_where_their_words_say():
    step = next_step(SITUATIONS["prepared"], contact_pk=7, conversation_pk=11)
    assert (step.primary.label, step.primary.url) == (
        "Open the prep sheet",
        "/conversations/11/prep/sheet/",
    )
    step = next_step(SITUATIONS["replied"], contact_pk=7, conversation_pk=11)
    assert (step.primary.label, step.primary.url) == ("Book a time", "/conversations/11/schedule/")
    step = next_step(SITUATIONS["held"], contact_pk=7, conversation_pk=11)
    assert step.primary.url == "/outreach/write/7/?kind=thank_you&conversation=11"
    step = next_step(SITUATIONS["request_draft"], contact_pk=7, draft_pk=13)
    assert step.primary.url == "/outreach/messages/13/"
    step = next_step(SITUATIONS["time_passed"], contact_pk=7, conversation_pk=11)
    assert (step.primary.method, step.primary.url) == ("post", "/conversations/11/held/")
