"""Each agenda rule on its own: when its item appears, when it is due and when overdue.

Dates are in June 2025 (Friday 6, then Monday 9 to Sunday 15) unless a daylight-saving
change is the point: in London the clocks went forward on Sunday 30 March 2025.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coffeechat.accounts.services import profile_get
from coffeechat.agenda.digest import due_text
from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.agenda.rules import (
    KEEP_IN_TOUCH_AT_ONCE,
    PRIORITY,
    RULES,
    AgendaData,
    agenda,
    compute,
    keep_in_touch_waiting,
    prep_missing,
)
from coffeechat.agenda.services import agenda_snooze
from coffeechat.contacts.models import Contact, Organization, Priority
from coffeechat.conversations.models import (
    ChosenQuestion,
    Conversation,
    Reschedule,
    State,
    Takeaway,
    TakeawayKind,
    TakeawayStatus,
)
from coffeechat.conversations.questions import prep_status
from coffeechat.outreach.models import Direction, Message, MessageStatus

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
SECOND = timedelta(seconds=1)


def at(day: int, hour: int = 9, minute: int = 0, second: int = 0, *, month: int = 6, tz=UTC):
    return datetime(2025, month, day, hour, minute, second, tzinfo=tz)


# Helpers, shared with the other agenda tests.


def zone(owner, name: str, **fields) -> None:
    profile = profile_get(owner=owner)
    profile.time_zone = name
    for field, value in fields.items():
        setattr(profile, field, value)
    profile.save()


def person(owner, name: str, organization=None, **fields) -> Contact:
    first = name.split()[0]
    return Contact.objects.create(
        owner=owner, name=name, first_name=first, organization=organization, **fields
    )


def talk(contact: Contact, state: str = State.REQUESTED, **fields) -> Conversation:
    return Conversation.objects.create(owner=contact.owner, contact=contact, state=state, **fields)


def sent(contact: Contact, kind: str, when: datetime | None, conversation=None) -> Message:
    return Message.objects.create(
        owner=contact.owner,
        contact=contact,
        conversation=conversation,
        kind=kind,
        direction=Direction.OUT,
        status=MessageStatus.SENT if when else MessageStatus.DRAFT,
        sent_at=when,
    )


def received(contact: Contact, when: datetime, conversation=None, outcome="accepted") -> Message:
    return Message.objects.create(
        owner=contact.owner,
        contact=contact,
        conversation=conversation,
        kind="reply",
        direction=Direction.IN,
        status=MessageStatus.RECEIVED,
        reply_outcome=outcome,
        received_at=when,
    )


def dated(row, when: datetime):
    type(row).objects.filter(pk=row.pk).update(created_at=when)
    row.refresh_from_db()
    return row


def rule_items(owner, now: datetime, rule: str) -> dict:
    """The rule's items by key, whether due yet or not."""
    return {item.key: item for item in RULES[rule](AgendaData.load(owner=owner, now=now))}


def only(owner, now: datetime, rule: str):
    [item] = rule_items(owner, now, rule).values()
    return item


def placed(owner, now: datetime, key: str) -> str | None:
    """Which group of the agenda shows the item with `key`, if any."""
    result = agenda(owner=owner, now=now)
    for group, items in result.groups():
        if key in {item.key for item in items}:
            return group
    return None


def test_every_rule_is_in_the_table_under_its_own_name():
    assert set(RULES) == set(PRIORITY)
    for code, rule in RULES.items():
        assert rule.__name__ == code


# few_prospects


@pytest.mark.parametrize(("prospects", "shown"), [(4, True), (5, False), (6, False)])
def test_it_asks_for_more_people_below_five_prospects(alice, prospects, shown):
    for n in range(prospects):
        person(alice, f"Person {n}")

    items = rule_items(alice, at(9), "few_prospects")

    assert bool(items) is shown
    if shown:
        [item] = items.values()
        assert item.key == "few_prospects:week:2025-W24"
        assert item.title == "Add people to your list"
        assert item.action_url == "/contacts/new/"
        assert "only 4 people" in item.reason
        assert placed(alice, at(9), item.key) == "today"


def test_people_not_to_contact_or_already_asked_are_not_prospects(alice):
    for n in range(3):
        person(alice, f"Person {n}")
    person(alice, "Quiet Person", do_not_contact=True)
    talk(person(alice, "Asked Person"), State.REQUESTED, requested_at=at(2))
    # A request drafted but not sent leaves them a prospect.
    talk(person(alice, "Drafted Person"), State.PLANNED)

    assert "only 4 people" in only(alice, at(9), "few_prospects").reason


def test_it_suggests_the_highest_priority_people_never_contacted(alice):
    person(alice, "Low Person", priority=Priority.LOW)
    person(alice, "High Person", priority=Priority.HIGH)
    written_to = person(alice, "Written Person", priority=Priority.HIGH)
    sent(written_to, "other", at(2), talk(written_to, State.PLANNED))

    item = only(alice, at(9), "few_prospects")

    assert [s.contact.name for s in item.suggestions] == ["High Person", "Low Person"]
    assert item.reason.endswith("Not contacted yet: High Person, Low Person.")


def test_a_new_user_is_asked_to_add_people(alice):
    item = only(alice, at(9), "few_prospects")
    assert "nobody" in item.reason
    assert item.suggestions == ()


# The 3B7 routine: try another person (3 business days), nudge (7), close (7 after the nudge)


@pytest.fixture
def colleague(alice, organization):
    return person(alice, "Charles Babbage", organization, title="Engineer")


@pytest.fixture
def friday_request(contact):
    """Asked on Friday 6 June at 09:00 UTC: the weekend does not count."""
    request = talk(contact, requested_at=at(6))
    sent(contact, "request", at(6), request)
    return request


def test_try_another_comes_due_at_3_business_days_after_the_weekend(
    alice, friday_request, colleague
):
    key = f"try_another:conversation:{friday_request.pk}"
    before = only(alice, at(11) - SECOND, "try_another")
    due = only(alice, at(11), "try_another")

    assert before.key == due.key == key
    assert before.due_at == due.due_at == at(11)
    assert before.reason.startswith("No reply for 2 business days. If there is still none")
    assert before.suggestions == ()
    assert due.reason == (
        "No reply for 3 business days. Try someone else at Analytical Engines while you wait."
    )
    assert [s.contact.pk for s in due.suggestions if s.contact] == [colleague.pk]
    assert due.action_url == f"/outreach/write/{colleague.pk}/?kind=request"
    assert due.title == "Try someone else at Analytical Engines"
    assert placed(alice, at(10, 12), key) == "upcoming"
    assert placed(alice, at(11), key) == "today"
    # Due on an earlier day and not late until 7 business days after the request: it is
    # grouped by that deadline, with the next 7 days.
    assert placed(alice, at(13), key) == "upcoming"


def test_try_another_without_anyone_else_asks_to_add_someone(alice, friday_request):
    item = only(alice, at(11), "try_another")
    assert item.action_url == "/contacts/new/"
    assert item.action_label == "Add someone at Analytical Engines"


def test_try_another_counts_business_days_in_the_users_zone(alice, contact):
    zone(alice, "America/Los_Angeles")
    # Friday 17:00 in Los Angeles is already Saturday in UTC.
    talk(contact, requested_at=at(6, 17, tz=LOS_ANGELES))

    item = only(alice, at(9, tz=LOS_ANGELES), "try_another")

    assert item.due_at == at(11, 17, tz=LOS_ANGELES)


def test_the_nudge_replaces_try_another_at_7_business_days(alice, friday_request, colleague):
    key = f"nudge:conversation:{friday_request.pk}"

    assert rule_items(alice, at(17) - SECOND, "nudge") == {}
    assert len(rule_items(alice, at(17) - SECOND, "try_another")) == 1
    item = only(alice, at(17), "nudge")
    assert rule_items(alice, at(17), "try_another") == {}

    assert item.key == key
    assert item.due_at == at(17)
    assert item.title == "Nudge Ada Lovelace"
    assert item.reason == "No reply for 7 business days. Send Ada one short, polite nudge."
    assert item.action_url == (
        f"/outreach/write/{friday_request.contact_id}/?kind=nudge&conversation={friday_request.pk}"
    )
    assert placed(alice, at(17, 23, 59, 59), key) == "today"
    assert placed(alice, at(18, 0), key) == "overdue"


def test_a_nudge_is_upcoming_while_no_one_else_can_be_tried(alice):
    loner = person(alice, "Grace Hopper")
    request = talk(loner, requested_at=at(6))

    item = only(alice, at(12), "nudge")

    assert item.due_at == at(17)
    assert placed(alice, at(12), f"nudge:conversation:{request.pk}") == "upcoming"


def test_closing_comes_due_7_business_days_after_the_nudge(alice, friday_request):
    sent(friday_request.contact, "nudge", at(17, 10), friday_request)
    key = f"close_no_reply:conversation:{friday_request.pk}"

    assert rule_items(alice, at(18), "nudge") == {}
    waiting = only(alice, at(26, 10) - SECOND, "close_no_reply")
    due = only(alice, at(26, 10), "close_no_reply")

    assert waiting.key == due.key == key
    assert waiting.due_at == due.due_at == at(26, 10)
    assert waiting.reason.startswith("You nudged Ada on Tuesday 17 June.")
    assert due.reason.startswith("No reply in 7 business days since your nudge")
    assert due.action_url == f"/conversations/{friday_request.pk}/"
    assert placed(alice, at(26, 10) - SECOND, key) == "today"
    assert placed(alice, at(27, 0), key) == "overdue"


def test_a_reply_ends_the_routine(alice, friday_request, colleague):
    received(friday_request.contact, at(10), friday_request, outcome="other")
    for rule in ("try_another", "nudge", "close_no_reply"):
        assert rule_items(alice, at(20), rule) == {}


# propose_times: they said yes, no time is booked yet


def test_propose_times_is_due_at_the_reply_and_overdue_2_business_days_later(alice, contact):
    request = talk(contact, requested_at=at(3), replied_at=at(6, 10))
    key = f"propose_times:conversation:{request.pk}"

    item = only(alice, at(6, 10), "propose_times")

    assert item.key == key
    assert item.due_at == at(6, 10)
    assert item.overdue_at == at(10, 10)
    assert item.title == "Agree a time with Ada Lovelace"
    assert item.action_url == f"/conversations/{request.pk}/schedule/"
    assert placed(alice, at(6, 12), key) == "today"
    # Due on an earlier day, late from tomorrow at 10:00: with the next 7 days, then today.
    assert placed(alice, at(9, 12), key) == "upcoming"
    assert placed(alice, at(10, 0), key) == "today"
    assert placed(alice, at(10, 10) - SECOND, key) == "today"
    assert placed(alice, at(10, 10), key) == "overdue"


def test_propose_times_counts_an_accepted_reply_message(alice, contact):
    request = talk(contact, requested_at=at(3))
    received(contact, at(5, 14), request)

    assert only(alice, at(9), "propose_times").due_at == at(5, 14)


def test_propose_times_stops_once_a_time_is_booked_or_they_decline(alice, contact):
    talk(contact, State.SCHEDULED, requested_at=at(3), replied_at=at(4), scheduled_for=at(20))
    talk(person(alice, "Grace Hopper"), State.DECLINED, requested_at=at(3), replied_at=at(4))
    assert rule_items(alice, at(9), "propose_times") == {}


# confirm: booked, not confirmed in writing


@pytest.fixture
def booked(contact):
    return talk(
        contact, State.SCHEDULED, requested_at=at(2), replied_at=at(3), scheduled_for=at(12, 10)
    )


def test_a_booking_without_a_confirmation_is_due_now(alice, booked):
    item = only(alice, at(9, 8), "confirm")

    assert item.key == f"confirm:conversation:{booked.pk}:20250612T1000Z"
    assert item.due_at == at(9, 8)
    assert item.title == "Confirm with Ada Lovelace"
    assert item.reason.startswith("Your video call with Ada is on Thursday 12 June at 10:00.")
    assert item.action_url == (
        f"/outreach/compose/{booked.contact_id}/?kind=confirmation&conversation={booked.pk}"
    )
    assert placed(alice, at(9, 8), item.key) == "today"


def test_a_sent_confirmation_clears_it_and_a_draft_does_not(alice, booked):
    sent(booked.contact, "confirmation", None, booked)
    assert len(rule_items(alice, at(9), "confirm")) == 1

    sent(booked.contact, "confirmation", at(5), booked)
    assert rule_items(alice, at(9), "confirm") == {}


def test_a_new_time_needs_a_new_confirmation(alice, booked):
    sent(booked.contact, "confirmation", at(5), booked)
    dated(
        Reschedule.objects.create(
            owner=alice, conversation=booked, previous_start=at(11, 10), new_start=at(12, 10)
        ),
        at(6),
    )

    item = only(alice, at(9), "confirm")
    assert "kind=reschedule" in item.action_url
    assert "Confirm the new time" in item.reason

    sent(booked.contact, "reschedule", at(6, 10), booked)
    assert rule_items(alice, at(9), "confirm") == {}


def test_nothing_is_confirmed_once_the_time_has_passed(alice, booked):
    assert rule_items(alice, at(12, 10), "confirm") == {}


# remind: from 00:00 of the day before, in the user's zone


@pytest.fixture
def booked_in_london(alice, contact):
    zone(alice, "Europe/London")
    # Tuesday 10 June, 10:00 in London (09:00 UTC).
    return talk(contact, State.SCHEDULED, scheduled_for=at(10, 10, tz=LONDON))


def test_the_reminder_starts_at_midnight_the_day_before_in_the_users_zone(alice, booked_in_london):
    item = only(alice, at(6), "remind")
    key = item.key

    assert key == f"remind:conversation:{booked_in_london.pk}:20250610T0900Z"
    assert item.title == "Remind Ada Lovelace and re-confirm"
    assert item.due_at == at(9, 0, tz=LONDON) == at(8, 23)
    assert item.overdue_at == at(10, 0, tz=LONDON)
    assert placed(alice, at(8, 23) - SECOND, key) == "upcoming"
    assert placed(alice, at(8, 23), key) == "today"
    assert placed(alice, at(9, 23) - SECOND, key) == "today"
    assert placed(alice, at(9, 23), key) == "overdue"
    assert placed(alice, at(10, 9), key) is None


def test_the_day_before_is_counted_across_the_clock_change(alice, contact):
    zone(alice, "Europe/London")
    talk(contact, State.SCHEDULED, scheduled_for=at(31, 10, month=3, tz=LONDON))

    item = only(alice, at(28, month=3), "remind")

    # Sunday 30 March is 23 hours long; its midnight is still GMT.
    assert item.due_at == at(30, 0, month=3)
    assert item.overdue_at == at(30, 23, month=3)
    zone(alice, "America/Los_Angeles")
    assert only(alice, at(28, month=3), "remind").due_at == at(30, 0, month=3, tz=LOS_ANGELES)


def test_a_confirmation_from_the_day_before_clears_the_reminder(alice, booked_in_london):
    sent(booked_in_london.contact, "confirmation", at(8, 23) - SECOND, booked_in_london)
    assert len(rule_items(alice, at(9), "remind")) == 1

    sent(booked_in_london.contact, "confirmation", at(8, 23), booked_in_london)
    assert rule_items(alice, at(9), "remind") == {}


# prepare: within 48 hours, while the prep sheet lacks something


@pytest.fixture
def pitched(alice):
    zone(alice, "UTC", pitch="I taught geography for six years and now explore research.")
    return alice


def _questions(conversation: Conversation, count: int) -> None:
    for n in range(count):
        ChosenQuestion.objects.create(
            owner=conversation.owner,
            conversation=conversation,
            category="career_path",
            text=f"Question {n}?",
            position=n,
        )


def test_prepare_is_due_48_hours_before(alice, pitched, booked):
    item = only(alice, at(9), "prepare")
    key = item.key

    assert key == f"prepare:conversation:{booked.pk}:20250612T1000Z"
    assert item.due_at == at(10, 10)
    assert item.overdue_at == at(12, 0)
    assert item.title == "Prepare for Ada Lovelace"
    assert item.action_url == f"/conversations/{booked.pk}/prep/"
    assert item.action_label == "Prepare"
    assert placed(alice, at(10, 0) - SECOND, key) == "upcoming"
    assert placed(alice, at(10, 10) - SECOND, key) == "today"
    assert placed(alice, at(10, 10), key) == "today"
    assert placed(alice, at(12, 0) - SECOND, key) == "today"
    assert placed(alice, at(12, 0), key) == "overdue"
    assert placed(alice, at(12, 10), key) is None


def test_prepare_lists_what_is_missing_and_goes_when_nothing_is(alice, pitched, booked):
    assert only(alice, at(10, 11), "prepare").reason.endswith(
        "Still to do: research notes on Ada Lovelace or Analytical Engines; at least 3 "
        "questions to ask (0 chosen so far)."
    )
    _questions(booked, 2)
    Organization.objects.filter(pk=booked.contact.organization_id).update(
        research_notes="Builds engines."
    )
    assert only(alice, at(10, 11), "prepare").reason.endswith(
        "Still to do: at least 3 questions to ask (2 chosen so far)."
    )
    _questions(booked, 1)
    assert rule_items(alice, at(10, 11), "prepare") == {}


@pytest.mark.parametrize(
    "research", ["", "contact", "organization", "contact_checklist", "organization_checklist"]
)
@pytest.mark.parametrize("questions", [0, 2, 3])
@pytest.mark.parametrize("pitch", ["", "I taught geography."])
def test_the_prep_check_agrees_with_the_prep_sheet(alice, booked, research, questions, pitch):
    zone(alice, "UTC", pitch=pitch)
    _questions(booked, questions)
    if research == "contact":
        Contact.objects.filter(pk=booked.contact_id).update(research_notes="Wrote a program.")
    if research == "organization":
        Organization.objects.filter(pk=booked.contact.organization_id).update(
            research_notes="Builds engines."
        )
    if research == "contact_checklist":
        Contact.objects.filter(pk=booked.contact_id).update(research_done=["profile"])
    if research == "organization_checklist":
        Organization.objects.filter(pk=booked.contact.organization_id).update(
            research_done=["news"]
        )
    [snapshot] = AgendaData.load(owner=alice, now=at(9)).conversations
    booked.refresh_from_db()

    expected = prep_status(owner=alice, conversation=booked)

    assert prep_missing(snapshot, profile_get(owner=alice)) == expected.missing
    assert bool(rule_items(alice, at(9), "prepare")) is not expected.complete


def test_the_prep_check_names_their_organisation_or_says_theirs(alice, contact):
    Contact.objects.filter(pk=contact.pk).update(organization=None)
    booked = talk(contact, State.SCHEDULED, scheduled_for=at(12, 10))
    [snapshot] = AgendaData.load(owner=alice, now=at(9)).conversations
    assert prep_missing(snapshot, profile_get(owner=alice))[0] == (
        "Research notes on Ada Lovelace or their organisation"
    )
    booked = Conversation.objects.select_related("contact").get(pk=booked.pk)
    assert prep_status(owner=alice, conversation=booked).missing[0] == (
        "Research notes on Ada Lovelace or their organisation"
    )


# write_notes: the same day as the conversation


@pytest.fixture
def held_in_new_york(alice, contact):
    zone(alice, "America/New_York")
    # Monday 9 June, 15:00 in New York (19:00 UTC).
    return talk(contact, State.HELD, scheduled_for=at(9, 15, tz=NEW_YORK), held_at=at(9, 19))


def test_notes_are_due_the_same_day_in_the_users_zone(alice, held_in_new_york):
    item = only(alice, at(9, 19), "write_notes")
    key = item.key

    assert key == f"write_notes:conversation:{held_in_new_york.pk}"
    assert item.due_at == at(9, 19)
    assert item.overdue_at == at(10, 0, tz=NEW_YORK) == at(10, 4)
    assert item.action_url == f"/conversations/{held_in_new_york.pk}/notes/"
    assert item.reason.startswith("You talked today at 15:00.")
    assert placed(alice, at(10, 4) - SECOND, key) == "today"
    assert placed(alice, at(10, 4), key) == "overdue"


def test_notes_or_a_takeaway_clear_write_notes(alice, held_in_new_york):
    Conversation.objects.filter(pk=held_in_new_york.pk).update(notes="   ")
    assert len(rule_items(alice, at(10), "write_notes")) == 1
    Takeaway.objects.create(
        owner=alice, conversation=held_in_new_york, kind=TakeawayKind.INSIGHT, text="Listen."
    )
    assert rule_items(alice, at(10), "write_notes") == {}


def test_written_notes_clear_write_notes(alice, held_in_new_york):
    Conversation.objects.filter(pk=held_in_new_york.pk).update(notes="- Loves engines.")
    assert rule_items(alice, at(10), "write_notes") == {}


# thank_you: due within 24 hours, overdue after 48


@pytest.fixture
def held_before_the_clocks_changed(alice, contact):
    zone(alice, "Europe/London")
    # Saturday 29 March 2025, 15:00 GMT; the clocks went forward that night.
    return talk(contact, State.HELD, held_at=at(29, 15, month=3))


def test_the_thank_you_is_due_24_hours_and_overdue_48_hours_after(
    alice, held_before_the_clocks_changed
):
    item = only(alice, at(29, 15, 1, month=3), "thank_you")
    key = item.key

    assert key == f"thank_you:conversation:{held_before_the_clocks_changed.pk}"
    assert item.title == "Thank Ada Lovelace"
    assert item.reason == (
        "You talked today at 15:00; a thank-you within 24 hours is best, naming one thing "
        "you took away."
    )
    held = held_before_the_clocks_changed
    assert item.action_url == (
        f"/outreach/write/{held.contact_id}/?kind=thank_you&conversation={held.pk}"
    )
    assert item.action_label == "Write the thank-you"
    # Hours, not wall-clock days: 16:00 on the clocks once they have gone forward.
    assert item.due_at == at(30, 16, month=3, tz=LONDON)
    assert item.overdue_at == at(31, 16, month=3, tz=LONDON)
    assert placed(alice, at(29, 15, 1, month=3), key) == "upcoming"
    assert placed(alice, at(30, 0, month=3), key) == "today"
    assert placed(alice, at(31, 15, month=3) - SECOND, key) == "today"
    assert placed(alice, at(31, 15, month=3), key) == "overdue"


def test_a_sent_thank_you_or_thanked_state_clears_it(alice, held_before_the_clocks_changed):
    conversation = held_before_the_clocks_changed
    sent(conversation.contact, "thank_you", None, conversation)
    assert len(rule_items(alice, at(30, month=3), "thank_you")) == 1
    sent(conversation.contact, "thank_you", at(30, 8, month=3), conversation)
    assert rule_items(alice, at(30, month=3), "thank_you") == {}


def test_a_thanked_conversation_has_nothing_left_to_thank(alice, contact):
    talk(contact, State.THANKED, held_at=at(2), thanked_at=at(3))
    assert rule_items(alice, at(4), "thank_you") == {}
    assert rule_items(alice, at(4), "write_notes") == {}


# reach_referral


@pytest.fixture
def referrer_conversation(alice, contact):
    return talk(contact, State.THANKED, held_at=at(2), thanked_at=at(3))


def refer(conversation, referral: Contact, *, may_use_name=False, when=None, **fields):
    takeaway = Takeaway.objects.create(
        owner=conversation.owner,
        conversation=conversation,
        kind=TakeawayKind.REFERRAL,
        text=f"Talk to {referral.name}.",
        referral_contact=referral,
        may_use_name=may_use_name,
        **fields,
    )
    return dated(takeaway, when or at(2, 10))


def test_a_referral_names_the_referrer_only_when_allowed(alice, referrer_conversation):
    named, unnamed = person(alice, "Grace Hopper"), person(alice, "Alan Turing")
    refer(referrer_conversation, named, may_use_name=True)
    refer(referrer_conversation, unnamed, may_use_name=False)

    items = rule_items(alice, at(3), "reach_referral")
    grace, alan = (
        items[f"reach_referral:contact:{named.pk}"],
        items[f"reach_referral:contact:{unnamed.pk}"],
    )

    assert grace.title == "Reach out to Grace Hopper (referred by Ada Lovelace)"
    assert grace.reason.startswith("Ada Lovelace suggested Grace Hopper and said you may use")
    assert alan.title == "Reach out to Alan Turing (referred by Ada Lovelace)"
    assert "Ada" not in alan.reason
    assert alan.action_url == f"/outreach/write/{unnamed.pk}/?kind=request"
    assert alan.contact is not None and alan.contact.pk == unnamed.pk


def test_a_referral_is_overdue_after_a_week(alice, referrer_conversation):
    referral = person(alice, "Grace Hopper")
    refer(referrer_conversation, referral)
    key = f"reach_referral:contact:{referral.pk}"

    assert only(alice, at(3), "reach_referral").due_at == at(2, 10)
    assert placed(alice, at(9, 10) - SECOND, key) == "today"
    assert placed(alice, at(9, 10), key) == "overdue"


def test_a_referral_goes_once_they_are_asked(alice, referrer_conversation):
    referral = person(alice, "Grace Hopper")
    refer(referrer_conversation, referral)
    refer(referrer_conversation, referral, may_use_name=True)
    draft = talk(referral, State.PLANNED)
    assert len(rule_items(alice, at(3), "reach_referral")) == 1

    Conversation.objects.filter(pk=draft.pk).update(state=State.REQUESTED, requested_at=at(3))
    assert rule_items(alice, at(4), "reach_referral") == {}


def test_a_dropped_referral_or_one_not_to_contact_is_left_alone(alice, referrer_conversation):
    refer(referrer_conversation, person(alice, "Grace Hopper"), status=TakeawayStatus.DROPPED)
    refer(referrer_conversation, person(alice, "Alan Turing", do_not_contact=True))
    assert rule_items(alice, at(3), "reach_referral") == {}


# keep_in_touch


def test_keeping_in_touch_is_due_a_cadence_after_the_thank_you(alice, contact):
    zone(alice, "Europe/London")
    Contact.objects.filter(pk=contact.pk).update(cadence_days=30)
    talk(contact, State.THANKED, held_at=at(28, month=2), thanked_at=at(1, 10, month=3))

    item = only(alice, at(1, month=4), "keep_in_touch")
    key = item.key

    # 30 calendar days in London: the same 10:00 on the clocks, an hour earlier in UTC.
    assert item.due_at == at(31, 10, month=3, tz=LONDON) == at(31, 9, month=3)
    assert key == f"keep_in_touch:contact:{contact.pk}:2025-03-31"
    assert item.title == "Keep in touch with Ada Lovelace"
    assert item.reason == (
        "You were last in touch on Saturday 1 March; you keep in touch every 30 days. An "
        "idea: send an update on what you did with their advice."
    )
    assert item.action_url == f"/outreach/write/{contact.pk}/?kind=keep_in_touch"
    assert [s.code for s in item.suggestions] == ["send_update"]
    assert placed(alice, at(30, 23, month=3) - SECOND, key) == "upcoming"
    assert placed(alice, at(30, 23, month=3), key) == "today"
    # A date, not a deadline: late only once it is more than KEEP_IN_TOUCH_LATE_DAYS past.
    assert item.overdue_at == at(15, 0, month=4, tz=LONDON)
    assert placed(alice, at(31, 23, month=3), key) == "upcoming"
    assert placed(alice, at(14, 0, month=4, tz=LONDON) - SECOND, key) == "upcoming"
    assert placed(alice, at(15, 0, month=4, tz=LONDON) - SECOND, key) == "today"
    assert placed(alice, at(15, 0, month=4, tz=LONDON), key) == "overdue"


def test_the_profile_default_cadence_applies_then_90_days(alice, contact):
    talk(contact, State.THANKED, held_at=at(1, month=1), thanked_at=at(2, month=1))
    assert only(alice, at(1), "keep_in_touch").due_at == at(2, month=1) + timedelta(days=90)
    zone(alice, "UTC", default_cadence_days=60)
    assert only(alice, at(1), "keep_in_touch").due_at == at(2, month=1) + timedelta(days=60)


def test_any_later_message_restarts_the_cadence_and_rotates_the_idea(alice, contact):
    talk(contact, State.THANKED, held_at=at(1, month=1), thanked_at=at(2, month=1))
    first = only(alice, at(1), "keep_in_touch")
    sent(contact, "keep_in_touch", at(1, month=4), None)

    second = only(alice, at(1), "keep_in_touch")

    assert second.due_at == at(1, month=4) + timedelta(days=90)
    assert second.key != first.key
    assert [s.code for s in second.suggestions] == ["share_article"]
    sent(contact, "keep_in_touch", at(2, month=4), None)
    assert [s.code for s in only(alice, at(1), "keep_in_touch").suggestions] == ["congratulate"]


def test_a_mentor_is_offered_the_ideas_that_give_back_first(alice, contact):
    Contact.objects.filter(pk=contact.pk).update(is_mentor=True)
    talk(contact, State.THANKED, held_at=at(1, month=1), thanked_at=at(2, month=1))
    items = []
    for day in range(1, 6):
        items.append(only(alice, at(1), "keep_in_touch"))
        sent(contact, "keep_in_touch", at(day, month=4), None)
    codes = [item.suggestions[0].code for item in items]
    assert codes == ["share_article", "congratulate", "offer_help", "send_update", "share_article"]
    assert "An idea: offer them some help in return" in items[2].reason


def test_keep_in_touch_skips_do_not_contact_and_people_in_a_conversation(alice, contact):
    talk(contact, State.THANKED, held_at=at(1, month=1), thanked_at=at(2, month=1))
    talk(contact, State.REQUESTED, requested_at=at(2))
    assert rule_items(alice, at(9), "keep_in_touch") == {}

    other = person(alice, "Grace Hopper", do_not_contact=True)
    talk(other, State.THANKED, held_at=at(1, month=1), thanked_at=at(2, month=1))
    assert rule_items(alice, at(9), "keep_in_touch") == {}


def test_people_never_thanked_are_not_kept_in_touch_with(alice, contact):
    talk(contact, State.NO_REPLY, requested_at=at(1, month=1))
    sent(contact, "request", at(1, month=1), None)
    assert rule_items(alice, at(9), "keep_in_touch") == {}


def thanked_person(owner, name: str, thanked_at: datetime, **fields) -> Contact:
    someone = person(owner, name, **fields)
    talk(someone, State.THANKED, held_at=thanked_at - timedelta(days=1), thanked_at=thanked_at)
    return someone


def test_keeping_in_touch_shows_a_few_at_a_time_most_important_and_longest_waiting_first(
    alice,
):
    # Seven people due (thanked 90 days or more before 9 June), two of them high priority,
    # and one due only later this week.
    normal = [
        thanked_person(alice, f"Normal {n}", at(1, month=3) - timedelta(days=n)) for n in range(5)
    ]
    thanked_person(alice, "High Recent", at(5, month=3), priority=Priority.HIGH)
    later = thanked_person(alice, "High Later", at(12, month=3), priority=Priority.HIGH)

    result = agenda(owner=alice, now=at(9))
    shown = [item.contact.name for item in result.items if item.rule == "keep_in_touch"]

    assert KEEP_IN_TOUCH_AT_ONCE == 5
    assert sorted(shown) == ["High Recent", "Normal 1", "Normal 2", "Normal 3", "Normal 4"]
    assert result.more == {"keep_in_touch": 2}
    assert {key.split(":")[2] for key in result.waiting} == {str(normal[0].pk), str(later.pk)}
    # Due later this week comes up only once nobody due today is waiting.
    assert "High Later" not in shown
    waiting = keep_in_touch_waiting(AgendaData.load(owner=alice, now=at(9), shown_only=True))
    assert [key.split(":")[2] for key in waiting] == [str(normal[0].pk), str(later.pk)]
    assert set(waiting) == result.waiting


def test_someone_deleted_after_the_snapshot_is_read_has_no_item(alice):
    people = [thanked_person(alice, f"Person {n}", at(1, month=3)) for n in range(2)]
    data = AgendaData.load(owner=alice, now=at(9), shown_only=True)
    people[0].delete()

    items = [item for item in compute(data) if item.rule == "keep_in_touch"]

    assert [item.contact.name for item in items] == ["Person 1"]


def test_a_mark_with_a_key_in_another_form_is_left_alone(alice):
    thanked_person(alice, "Person 0", at(1, month=3))
    for key in ("keep_in_touch:contact:x:2025-05-30", "keep_in_touch:contact:"):
        AgendaMark.objects.create(owner=alice, item_key=key, action=MarkAction.DISMISS)

    result = agenda(owner=alice, now=at(9))

    assert [item.contact.name for item in result.items if item.rule == "keep_in_touch"] == [
        "Person 0"
    ]


def test_clearing_one_brings_up_the_next_and_the_cleared_one_can_be_restored(alice):
    for n in range(6):
        thanked_person(alice, f"Person {n}", at(1, month=3) - timedelta(days=n))
    first = agenda(owner=alice, now=at(9))
    oldest = next(item for item in first.items if item.contact.name == "Person 5")

    agenda_snooze(owner=alice, key=oldest.key, until=at(12), now=at(9))
    after = agenda(owner=alice, now=at(9))

    shown = {item.contact.name for item in after.items if item.rule == "keep_in_touch"}
    assert shown == {f"Person {n}" for n in range(5)}
    assert [item.key for item in after.hidden] == [oldest.key]
    assert after.more == {} and after.waiting == frozenset()


def test_few_people_due_are_all_shown_with_nothing_held_back(alice):
    for n in range(KEEP_IN_TOUCH_AT_ONCE):
        thanked_person(alice, f"Person {n}", at(1, month=3))

    result = agenda(owner=alice, now=at(9))

    assert len([item for item in result.items if item.rule == "keep_in_touch"]) == 5
    assert result.more == {}


# weekly_goal


def test_the_week_starts_on_monday_in_the_users_zone(alice):
    zone(alice, "Europe/Berlin")
    # Monday 9 June starts at 22:00 UTC on Sunday in Berlin.
    talk(person(alice, "Last Week"), requested_at=at(8, 22) - SECOND)
    talk(person(alice, "This Week"), requested_at=at(8, 22))

    item = only(alice, at(11, 12), "weekly_goal")

    assert item.title == "This week: 1 of 3 requests, 0 of 1 conversation"
    assert item.key == "weekly_goal:week:2025-W24"
    assert item.due_at == at(15, 23, 59, 59, tz=BERLIN)
    assert item.action_url == "/contacts/"
    assert placed(alice, at(11, 12), item.key) == "upcoming"
    assert placed(alice, at(15, 12), item.key) == "today"
    # Due by Sunday night: the end of a day, not a minute of it.
    assert due_text(item, now=at(11, 12), tz=BERLIN) == "Due by the end of Sunday 15 June"
    assert due_text(item, now=at(15, 12), tz=BERLIN) == "Due by the end of today"


def test_the_weekly_goal_goes_once_met(alice):
    zone(alice, "UTC", weekly_goal_requests=2, weekly_goal_conversations=1)
    for n in range(2):
        talk(person(alice, f"Person {n}"), requested_at=at(9, 10 + n))
    assert only(alice, at(11), "weekly_goal").title == (
        "This week: 2 of 2 requests, 0 of 1 conversation"
    )
    talk(person(alice, "Held Person"), State.HELD, held_at=at(10, 15))
    assert rule_items(alice, at(11), "weekly_goal") == {}


def test_a_goal_of_zero_is_left_out(alice):
    zone(alice, "UTC", weekly_goal_requests=3, weekly_goal_conversations=0)
    assert only(alice, at(11), "weekly_goal").title == "This week: 0 of 3 requests"
    zone(alice, "UTC", weekly_goal_requests=0, weekly_goal_conversations=0)
    assert rule_items(alice, at(11), "weekly_goal") == {}
