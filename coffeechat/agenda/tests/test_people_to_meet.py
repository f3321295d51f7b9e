"""The agenda's two rules about people to meet: asking a mutual contact for an introduction,
and a note after meeting someone at an event.

Dates are in June 2025 (Monday 9 to Sunday 15), in UTC unless the user's zone is the point.
"""

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from coffeechat.agenda.rules import (
    EVENT_NOTE_DAYS,
    EVENT_SHOWN_DAYS,
    INTRODUCTIONS_AT_ONCE,
    agenda,
)
from coffeechat.agenda.services import agenda_dismiss, agenda_restore, agenda_snooze
from coffeechat.agenda.tests.test_rules import (
    SECOND,
    at,
    only,
    person,
    placed,
    rule_items,
    sent,
    talk,
    zone,
)
from coffeechat.agenda.upcoming import upcoming
from coffeechat.contacts.models import Contact, Organization, Source
from coffeechat.conversations.models import State
from coffeechat.outreach.drafting import message_draft

TUESDAY = date(2025, 6, 10)
LONDON = ZoneInfo("Europe/London")


# after_event


def met(owner, name: str = "Lee Chen", on: date = TUESDAY, **fields):
    fields.setdefault("met_at", "the Climate Careers meetup")
    return person(owner, name, source=Source.EVENT, met_on=on, **fields)


def test_a_note_after_an_event_is_due_from_that_day_until_two_days_later(alice):
    lee = met(alice)
    key = f"after_event:contact:{lee.pk}:2025-06-10"

    item = only(alice, at(11, 12), "after_event")

    assert item.key == key
    assert item.contact.pk == lee.pk
    assert (item.due_at, item.overdue_at) == (at(13, 0) - SECOND, None)
    assert item.title == "Follow up with Lee Chen"
    assert item.reason.startswith(
        "You met Lee at the Climate Careers meetup yesterday. Send a short note by tomorrow,"
    )
    assert only(alice, at(10, 18), "after_event").reason.startswith(
        "You met Lee at the Climate Careers meetup today. Send a short note by Thursday 12 June,"
    )
    assert item.action_url == f"/outreach/compose/{lee.pk}/?kind=request"
    assert placed(alice, at(10, 18), key) == "upcoming"
    assert placed(alice, at(12, 0), key) == "today"
    # Two days after the meeting, to the last second, it is still on time.
    assert placed(alice, at(13, 0) - SECOND, key) == "today"
    assert placed(alice, at(13, 0), key) == "overdue"


def test_the_day_is_the_users_own(alice):
    zone(alice, "Europe/London")
    lee = met(alice)

    item = only(alice, at(11, 12), "after_event")

    assert item.due_at == at(13, 0, tz=LONDON) - SECOND
    assert placed(alice, at(12, 23, 0), f"after_event:contact:{lee.pk}:2025-06-10") == "overdue"


def test_it_is_left_out_once_the_longer_window_has_passed(alice):
    lee = met(alice, "Lee Chen", on=TUESDAY)
    key = f"after_event:contact:{lee.pk}:2025-06-10"

    # 10 June and EVENT_SHOWN_DAYS more: overdue until the end of 24 June, then gone.
    assert EVENT_SHOWN_DAYS == 14 and EVENT_NOTE_DAYS == 2
    assert placed(alice, at(20, 12), key) == "overdue"
    assert placed(alice, at(25, 0) - SECOND, key) == "overdue"
    assert rule_items(alice, at(25, 0), "after_event") == {}


def test_a_day_not_come_yet_a_date_missing_or_another_source_makes_no_item(alice):
    met(alice, "Future Person", on=date(2025, 6, 12))
    person(alice, "No Date", source=Source.EVENT)
    person(alice, "At A Conference", source=Source.CONFERENCE, met_on=TUESDAY)
    met(alice, "Not To Contact", do_not_contact=True)

    assert rule_items(alice, at(11, 12), "after_event") == {}


def test_a_sent_message_clears_it_but_a_draft_or_an_older_message_does_not(alice):
    lee = met(alice)
    sent(lee, "request", at(2, 10))
    sent(lee, "other", None)

    assert len(rule_items(alice, at(11, 12), "after_event")) == 1

    sent(lee, "other", at(11, 8))

    assert rule_items(alice, at(11, 12), "after_event") == {}


def test_a_requested_conversation_clears_it(alice):
    lee = met(alice)
    talk(lee, State.PLANNED)

    assert len(rule_items(alice, at(11, 12), "after_event")) == 1

    talk(lee, requested_at=at(10, 20))

    assert rule_items(alice, at(11, 12), "after_event") == {}


def test_it_can_be_snoozed_and_dismissed(alice):
    lee = met(alice)
    key = f"after_event:contact:{lee.pk}:2025-06-10"

    agenda_snooze(owner=alice, key=key, until=at(12, 9), now=at(11, 12))
    assert placed(alice, at(11, 12), key) is None
    assert placed(alice, at(12, 9), key) == "today"

    agenda_dismiss(owner=alice, key=key, now=at(12, 9))
    result = agenda(owner=alice, now=at(12, 10))
    assert key in {item.key for item in result.hidden}
    assert key not in {item.key for item in result.items}


def test_another_users_people_never_show(alice, bob):
    met(bob)

    assert rule_items(alice, at(11, 12), "after_event") == {}
    assert len(rule_items(bob, at(11, 12), "after_event")) == 1


def test_the_note_names_where_you_met_and_no_private_note(alice):
    lee = met(
        alice,
        email="lee@example.org",
        connection_note="Private: spilled coffee on them.",
        their_work="Private: read their thesis.",
        why_them="Your story about testing station signs stayed with me.",
    )

    draft = message_draft(owner=alice, contact=lee, template="after_event")

    assert draft.subject == "Good to meet you at the Climate Careers meetup"
    assert "meet you at the Climate Careers meetup" in draft.body
    assert "Private" not in draft.subject + draft.body


def test_the_link_offers_the_note(alice_client, alice):
    lee = met(alice, email="lee@example.org")
    item = only(alice, at(11, 12), "after_event")

    page = alice_client.get(item.action_url)

    assert page.status_code == 200
    assert "A note after meeting at an event" in page.content.decode()
    assert lee.name in page.content.decode()
    assert "Asking for an introduction" not in page.content.decode()


# ask_introduction


@pytest.fixture
def brightwell(alice):
    return Organization.objects.create(owner=alice, name="Brightwell Health")


def test_someone_known_well_at_their_organisation_can_introduce_them(alice, brightwell):
    priya = person(alice, "Priya Raman", brightwell, source=Source.LINKEDIN)
    sam = person(alice, "Sam Okafor", brightwell, source=Source.FORMER_COLLEAGUE)

    item = only(alice, at(11, 12), "ask_introduction")

    assert item.key == f"ask_introduction:contact:{priya.pk}"
    assert item.contact.pk == sam.pk
    assert item.title == "Ask Sam Okafor to introduce you to Priya Raman"
    assert item.reason.startswith(
        "Priya works at Brightwell Health, where Sam works, and Sam is a former colleague."
    )
    assert item.action_url == f"/outreach/compose/{sam.pk}/?kind=other"
    assert [s.text for s in item.suggestions] == ["Priya Raman at Brightwell Health"]
    assert placed(alice, at(11, 12), item.key) == "today"


def test_upcoming_lists_the_ask_as_an_introduction(alice, brightwell):
    person(alice, "Priya Raman", brightwell, source=Source.LINKEDIN)
    person(alice, "Sam Okafor", brightwell, source=Source.FORMER_COLLEAGUE)

    entries = upcoming(owner=alice, now=at(11, 12)).entries

    [entry] = [e for e in entries if e.title == "Ask Sam Okafor to introduce you to Priya Raman"]
    assert entry.kind == "Introduction"


def test_talking_with_someone_and_thanking_them_makes_them_an_introducer(alice, brightwell):
    person(alice, "Priya Raman", brightwell)
    sam = person(alice, "Sam Okafor", brightwell, source=Source.ALUMNI)
    held = talk(sam, State.HELD, held_at=at(2, 10))

    assert rule_items(alice, at(11, 12), "ask_introduction") == {}

    held.state, held.thanked_at = State.THANKED, at(3, 9)
    held.save()

    item = only(alice, at(11, 12), "ask_introduction")
    assert item.contact.pk == sam.pk
    assert "Sam is someone you have talked with and thanked" in item.reason


@pytest.mark.parametrize(
    "change",
    [
        "prospect_referred",
        "prospect_in_conversation",
        "prospect_written_to",
        "prospect_known_already",
        "prospect_came_through_a_referral",
        "prospect_not_to_contact",
        "introducer_not_to_contact",
        "introducer_not_known_well",
        "introducer_waiting_for_reply",
        "elsewhere",
    ],
)
def test_no_introduction_is_proposed_when(alice, brightwell, change):
    priya = person(alice, "Priya Raman", brightwell)
    sam = person(alice, "Sam Okafor", brightwell, source=Source.FRIEND_FAMILY)
    if change == "prospect_referred":
        priya.referred_by = person(alice, "Rae Referrer")
    elif change == "prospect_in_conversation":
        talk(priya, State.PLANNED)
    elif change == "prospect_written_to":
        sent(priya, "other", at(2, 10))
    elif change == "prospect_known_already":
        priya.source = Source.CO_WORKER
    elif change == "prospect_came_through_a_referral":
        priya.source = Source.REFERRAL
    elif change == "prospect_not_to_contact":
        priya.do_not_contact = True
    elif change == "introducer_not_to_contact":
        sam.do_not_contact = True
    elif change == "introducer_not_known_well":
        sam.source = Source.CONFERENCE
    elif change == "introducer_waiting_for_reply":
        talk(sam, requested_at=at(9, 10))
    elif change == "elsewhere":
        sam.organization = Organization.objects.create(owner=alice, name="Elsewhere")
    priya.save()
    sam.save()

    assert rule_items(alice, at(11, 12), "ask_introduction") == {}


def test_one_introducer_is_chosen_the_same_way_every_time(alice, brightwell):
    person(alice, "Priya Raman", brightwell)
    thanked = person(alice, "Aaron Thanked", brightwell)
    talk(thanked, State.THANKED, held_at=at(2, 10), thanked_at=at(3, 9))
    person(alice, "Zoe Friend", brightwell, source=Source.FRIEND_FAMILY)
    yara = person(alice, "Yara Colleague", brightwell, source=Source.FORMER_COLLEAGUE)

    for _ in range(2):
        # Known well before talked with, then by name.
        assert only(alice, at(11, 12), "ask_introduction").contact.pk == yara.pk


def test_a_few_show_at_a_time_and_the_next_comes_up_when_one_is_dismissed(alice, brightwell):
    person(alice, "Sam Okafor", brightwell, source=Source.FRIEND_FAMILY)
    wanted = [person(alice, f"Person {n}", brightwell) for n in range(INTRODUCTIONS_AT_ONCE + 1)]
    keys = [f"ask_introduction:contact:{p.pk}" for p in wanted]

    shown = {item.key for item in agenda(owner=alice, now=at(11, 12)).items}
    assert [key in shown for key in keys] == [True] * INTRODUCTIONS_AT_ONCE + [False]

    agenda_dismiss(owner=alice, key=keys[0], now=at(11, 12))
    result = agenda(owner=alice, now=at(11, 13))
    assert {keys[0]} == {i.key for i in result.hidden} & set(keys)
    assert set(keys[1:]) <= {item.key for item in result.items}

    agenda_restore(owner=alice, key=keys[0])
    agenda_snooze(owner=alice, key=keys[1], until=at(12, 9), now=at(11, 13))
    shown = {item.key for item in agenda(owner=alice, now=at(11, 14)).items}
    assert keys[1] not in shown and {keys[0], keys[2], keys[3]} <= shown


def test_another_users_people_are_never_introducers(alice, bob, brightwell):
    person(alice, "Priya Raman", brightwell)
    # A row of Bob's that names Alice's organisation must not count for her.
    person(bob, "Sam Okafor", brightwell, source=Source.FRIEND_FAMILY)

    assert rule_items(alice, at(11, 12), "ask_introduction") == {}
    assert rule_items(bob, at(11, 12), "ask_introduction") == {}


def test_the_draft_to_the_introducer_keeps_private_notes_and_unnamed_referrers_out(
    alice, brightwell
):
    grace = person(alice, "Grace Adeyemi")
    person(
        alice,
        "Priya Raman",
        brightwell,
        connection_note="Private: heard she is leaving.",
        their_work="Private: her thesis.",
    )
    sam = person(
        alice,
        "Sam Okafor",
        brightwell,
        source=Source.FRIEND_FAMILY,
        email="sam@example.org",
        referred_by=grace,
        may_use_referrer_name=False,
        connection_note="Private: Grace's friend.",
    )
    item = only(alice, at(11, 12), "ask_introduction")
    [suggestion] = item.suggestions

    draft = message_draft(
        owner=alice,
        contact=Contact.objects.get(pk=item.contact.pk),
        template="introduction",
        slots={
            "introduce_to": suggestion.text,
            "introduce_why": "I would like to hear how her team researches with patients",
        },
    )

    text = draft.subject + draft.body
    assert item.contact.pk == sam.pk
    assert "Priya Raman at Brightwell Health" in text
    assert "Private" not in text and "Grace" not in text
    assert "Grace" not in item.title + item.reason


def test_the_link_offers_the_introduction_template(alice_client, alice, brightwell):
    person(alice, "Priya Raman", brightwell)
    person(alice, "Sam Okafor", brightwell, source=Source.FRIEND_FAMILY, email="sam@example.org")
    item = only(alice, at(11, 12), "ask_introduction")

    page = alice_client.get(item.action_url)

    assert page.status_code == 200
    assert "Asking for an introduction" in page.content.decode()
    # The note after an event is for people you noted where you met.
    assert "A note after meeting at an event" not in page.content.decode()


# ask_introduction: someone noted on their page as able to introduce you


def test_someone_noted_as_able_to_introduce_them_is_asked_first(alice, brightwell):
    elsewhere = Organization.objects.create(owner=alice, name="Harbour Labs")
    noted = person(alice, "Noor Haddad", elsewhere, source=Source.ALUMNI)
    person(alice, "Sam Okafor", brightwell, source=Source.FRIEND_FAMILY)
    priya = person(alice, "Priya Raman", brightwell, introducer=noted)

    item = only(alice, at(11, 12), "ask_introduction")

    assert item.key == f"ask_introduction:contact:{priya.pk}"
    assert item.contact.pk == noted.pk
    assert item.title == "Ask Noor Haddad to introduce you to Priya Raman"
    assert item.reason.startswith("You noted that Noor could introduce you.")
    assert item.action_url == f"/outreach/compose/{noted.pk}/?kind=other"


def test_a_noted_introducer_needs_no_organisation(alice):
    noted = person(alice, "Noor Haddad")
    person(alice, "Priya Raman", introducer=noted)

    item = only(alice, at(11, 12), "ask_introduction")

    assert item.contact.pk == noted.pk
    assert [s.text for s in item.suggestions] == ["Priya Raman"]


def test_a_noted_introducer_not_to_be_contacted_gives_way_to_a_colleague(alice, brightwell):
    noted = person(alice, "Noor Haddad", do_not_contact=True)
    sam = person(alice, "Sam Okafor", brightwell, source=Source.FRIEND_FAMILY)
    person(alice, "Priya Raman", brightwell, introducer=noted)

    assert only(alice, at(11, 12), "ask_introduction").contact.pk == sam.pk

    sam.delete()
    assert rule_items(alice, at(11, 12), "ask_introduction") == {}


def test_a_noted_introducer_of_another_user_is_never_named(alice, bob, brightwell):
    bobs = person(bob, "Bob's Friend", source=Source.FRIEND_FAMILY)
    sam = person(alice, "Sam Okafor", brightwell, source=Source.FRIEND_FAMILY)
    # A row that names another user's contact, as only a bad restore could write.
    person(alice, "Priya Raman", brightwell, introducer=bobs)

    item = only(alice, at(11, 12), "ask_introduction")
    assert item.contact.pk == sam.pk
    assert "Bob" not in item.title + item.reason


# Everywhere the agenda is read


def test_the_demo_shows_both_on_today_in_the_command_line_and_in_the_digest(alice_client, alice):
    from click.testing import CliRunner
    from django.utils import timezone

    import coffeechat.cli.today  # noqa: F401 - registers `coffeechat today`
    from coffeechat.accounts.services import local_user_get_or_create
    from coffeechat.agenda.digest import digest_message
    from coffeechat.cli import main
    from coffeechat.demo import demo_load

    titles = [
        "Follow up with Lee Okonkwo",
        "Ask Elena Petrova to introduce you to Ines Carvalho",
        "Ask Marcus Webb to introduce you to Hannah Osei",
    ]
    demo_load(owner=alice)
    page = alice_client.get("/").content.decode()
    digest = digest_message(owner=alice, now=timezone.now()).body
    for title in titles:
        assert title in page and title in digest

    demo_load(owner=local_user_get_or_create())
    result = CliRunner(env={"COLUMNS": "250"}).invoke(main, ["today"])
    assert result.exit_code == 0, result.output
    assert "Follow up with Lee Okonkwo" in result.output
    result = CliRunner().invoke(main, ["today", "--json"])
    assert result.exit_code == 0, result.output
    assert set(titles) <= {item["title"] for item in json.loads(result.output)["items"]}


def test_many_hidden_still_leave_a_few_showing_and_the_first_listed(alice, brightwell):
    from coffeechat.agenda.models import AgendaMark, MarkAction
    from coffeechat.agenda.snapshot import HIDDEN_LISTED

    person(alice, "Sam Okafor", brightwell, source=Source.FRIEND_FAMILY)
    wanted = [person(alice, f"Person {n:02d}", brightwell) for n in range(HIDDEN_LISTED + 5)]
    keys = [f"ask_introduction:contact:{p.pk}" for p in wanted]
    for key in keys[: HIDDEN_LISTED + 2]:
        AgendaMark.objects.create(owner=alice, item_key=key, action=MarkAction.DISMISS)

    result = agenda(owner=alice, now=at(11, 12))

    assert [i.key for i in result.items if i.rule == "ask_introduction"] == keys[-3:]
    assert {i.key for i in result.hidden} == set(keys[:HIDDEN_LISTED])


def test_a_hidden_introduction_goes_once_they_are_approached(alice, brightwell):
    person(alice, "Sam Okafor", brightwell, source=Source.FRIEND_FAMILY)
    priya = person(alice, "Priya Raman", brightwell)
    key = f"ask_introduction:contact:{priya.pk}"
    agenda_dismiss(owner=alice, key=key, now=at(11, 12))
    assert key in {i.key for i in agenda(owner=alice, now=at(11, 13)).hidden}

    sent(priya, "request", at(11, 14))

    assert key not in {i.key for i in agenda(owner=alice, now=at(11, 15)).hidden}
