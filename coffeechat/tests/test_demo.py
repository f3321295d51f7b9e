from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from django.core.exceptions import ValidationError

from coffeechat.accounts.models import Profile
from coffeechat.cli import main
from coffeechat.contacts.models import Contact, Organization, Source, Tag
from coffeechat.contacts.selectors import contact_list
from coffeechat.conversations.models import Conversation, State, Takeaway, TakeawayKind
from coffeechat.demo import demo_load, demo_needed
from coffeechat.lib.business_days import business_days_between
from coffeechat.lib.text import word_count
from coffeechat.outreach.models import Direction, Message, MessageKind, MessageStatus

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2025, 6, 9, 11, 30, tzinfo=LONDON)
WEDNESDAY = datetime(2025, 6, 11, 16, 0, tzinfo=LONDON)
# Before the morning's requests would go out, on a weekend, and just after the clocks change.
EARLY_MONDAY = datetime(2025, 6, 9, 7, 5, tzinfo=LONDON)
SUNDAY = datetime(2025, 6, 15, 21, 0, tzinfo=LONDON)
AFTER_DST = datetime(2025, 3, 31, 9, 0, tzinfo=LONDON)
NOWS = [MONDAY, WEDNESDAY, EARLY_MONDAY, SUNDAY, AFTER_DST]


def _conversations(owner, state):
    return Conversation.objects.owned_by(owner).filter(state=state).select_related("contact")


@pytest.fixture
def loaded(alice):
    demo_load(owner=alice, now=MONDAY)
    return alice


def test_it_returns_what_it_created(alice):
    counts = demo_load(owner=alice, now=MONDAY)
    assert counts == {
        "contacts": Contact.objects.owned_by(alice).count(),
        "organizations": Organization.objects.owned_by(alice).count(),
        "conversations": Conversation.objects.owned_by(alice).count(),
        "messages": Message.objects.owned_by(alice).count(),
        "takeaways": Takeaway.objects.owned_by(alice).count(),
    }
    assert counts["contacts"] >= 15 and counts["organizations"] >= 8


@pytest.mark.parametrize("now", NOWS, ids=lambda now: f"{now:%a-%H%M-%Y%m%d}")
def test_it_covers_every_state_whatever_day_it_is(alice, now):
    demo_load(owner=alice, now=now)
    states = set(Conversation.objects.owned_by(alice).values_list("state", flat=True))
    assert states >= {
        State.PLANNED,
        State.REQUESTED,
        State.SCHEDULED,
        State.HELD,
        State.THANKED,
        State.DECLINED,
        State.NO_REPLY,
    }
    stages = {contact.stage for contact in contact_list(owner=alice)}
    assert {"prospect", "requested", "scheduled", "held", "thanked"} <= stages


@pytest.mark.parametrize("now", NOWS, ids=lambda now: f"{now:%a-%H%M-%Y%m%d}")
def test_requests_have_waited_2_4_and_9_business_days(alice, now):
    demo_load(owner=alice, now=now)
    waiting = _conversations(alice, State.REQUESTED)
    assert sorted(business_days_between(c.requested_at, now, LONDON) for c in waiting) == [2, 4, 9]
    for conversation in waiting:
        request = conversation.messages.get()
        assert (request.kind, request.status, request.direction) == ("request", "sent", "out")
        assert request.sent_at == conversation.requested_at


@pytest.mark.parametrize("now", NOWS, ids=lambda now: f"{now:%a-%H%M-%Y%m%d}")
def test_one_conversation_is_booked_for_tomorrow_at_ten(alice, now):
    demo_load(owner=alice, now=now)
    conversation = _conversations(alice, State.SCHEDULED).get()
    start = conversation.scheduled_for.astimezone(LONDON)
    assert start.date() == now.astimezone(LONDON).date() + timedelta(days=1)
    assert (start.hour, start.minute) == (10, 0)
    assert conversation.time_zone == "Europe/London"
    assert conversation.length_minutes in (20, 30)
    assert conversation.format == "video" and conversation.place.startswith("https://")
    confirmation = conversation.messages.get(kind=MessageKind.CONFIRMATION)
    assert confirmation.status == MessageStatus.SENT and confirmation.sent_at < now
    assert f"{start:%H:%M}" in confirmation.body and conversation.place in confirmation.body


@pytest.mark.parametrize("now", NOWS, ids=lambda now: f"{now:%a-%H%M-%Y%m%d}")
def test_one_conversation_was_held_yesterday_without_notes_or_thanks(alice, now):
    demo_load(owner=alice, now=now)
    yesterday = now.astimezone(LONDON).date() - timedelta(days=1)
    held = [c for c in _conversations(alice, State.HELD) if not c.notes]
    assert [c.held_at.astimezone(LONDON).date() for c in held] == [yesterday]
    assert not held[0].messages.filter(kind=MessageKind.THANK_YOU).exists()
    assert held[0].thanked_at is None and not held[0].takeaways.exists()


def test_held_conversations_with_notes_have_takeaways_of_every_kind(loaded):
    with_notes = Conversation.objects.owned_by(loaded).exclude(notes="")
    assert with_notes.exists()
    assert all(c.held_at and c.reflection_next for c in with_notes)
    kinds = set(Takeaway.objects.owned_by(loaded).values_list("kind", flat=True))
    assert kinds == set(TakeawayKind.values)
    assert not Takeaway.objects.owned_by(loaded).exclude(conversation__in=with_notes).exists()


def test_referrals_become_contacts_referred_by_the_person_met(loaded):
    referrals = Takeaway.objects.owned_by(loaded).filter(kind=TakeawayKind.REFERRAL)
    assert referrals.count() >= 2
    for takeaway in referrals:
        referred = takeaway.referral_contact
        assert referred.source == Source.REFERRAL
        assert referred.referred_by == takeaway.conversation.contact
        assert takeaway.may_use_name == referred.may_use_referrer_name
    assert {t.may_use_name for t in referrals} == {True, False}


def test_thanked_contacts_include_one_due_to_keep_in_touch_and_one_recent(loaded):
    thanked = _conversations(loaded, State.THANKED)
    ages = sorted((MONDAY - c.thanked_at).days for c in thanked)
    assert ages[0] <= 14 and 95 <= ages[-1] <= 105
    for conversation in thanked:
        thank_you = conversation.messages.get(kind=MessageKind.THANK_YOU)
        assert thank_you.sent_at == conversation.thanked_at
        assert timedelta(0) < conversation.thanked_at - conversation.held_at <= timedelta(hours=48)


def test_closed_requests_were_declined_or_met_silence(loaded):
    declined = _conversations(loaded, State.DECLINED).get()
    reply = declined.messages.get(direction=Direction.IN)
    assert reply.reply_outcome == "declined" and reply.received_at == declined.replied_at
    silent = _conversations(loaded, State.NO_REPLY).get()
    assert not silent.messages.filter(direction=Direction.IN).exists()
    assert silent.messages.filter(kind=MessageKind.NUDGE, status=MessageStatus.SENT).exists()
    assert silent.closed_at > silent.requested_at


def test_messages_go_both_ways(loaded):
    messages = Message.objects.owned_by(loaded)
    incoming = messages.filter(direction=Direction.IN)
    assert set(incoming.values_list("kind", "status")) == {("reply", "received")}
    assert set(incoming.values_list("reply_outcome", flat=True)) == {"accepted", "declined"}
    assert all(m.received_at and not m.sent_at for m in incoming)
    sent = messages.filter(direction=Direction.OUT, status=MessageStatus.SENT)
    assert all(m.sent_at and not m.received_at for m in sent)
    assert messages.filter(status=MessageStatus.DRAFT, sent_at=None).exists()


def test_requests_follow_the_etiquette(loaded):
    for request in Message.objects.owned_by(loaded).filter(kind=MessageKind.REQUEST):
        body = request.body.lower()
        assert word_count(request.body) <= 120, request.contact
        assert "minutes" in body and ("informational" in body or "to learn" in body)
        assert "job" not in body and "{" not in request.body
        assert request.body.startswith(("Dear ", "Hi "))
        if request.channel == "linkedin":
            assert len(request.body) <= 300


def test_prospects_are_varied_and_one_is_not_to_be_contacted(loaded):
    prospects = [c for c in contact_list(owner=loaded) if c.stage == "prospect"]
    assert len(prospects) >= 4
    assert len({c.source for c in prospects}) >= 3
    assert len({c.priority for c in prospects}) >= 2
    assert any(c.their_work for c in prospects) and any(c.connection_note for c in prospects)
    blocked = Contact.objects.owned_by(loaded).get(do_not_contact=True)
    assert not blocked.conversations.exists() and not blocked.messages.exists()


def test_contacts_have_split_names_tags_and_organisations(loaded):
    contacts = Contact.objects.owned_by(loaded)
    assert all(c.first_name and c.last_name and c.email and c.organization for c in contacts)
    names = set(Tag.objects.owned_by(loaded).values_list("name", flat=True))
    assert {"design", "climate", "alumni-network"} <= names


def test_it_fills_the_profile(loaded):
    profile = Profile.objects.get(owner=loaded)
    assert profile.display_name and profile.goal_roles and profile.current_employer == ""
    assert 45 <= profile.pitch_words <= 80
    assert profile.time_zone == "Europe/London"


def test_nothing_but_the_booked_conversation_is_in_the_future(loaded):
    for conversation in Conversation.objects.owned_by(loaded):
        for field in ("requested_at", "replied_at", "held_at", "thanked_at", "closed_at"):
            moment = getattr(conversation, field)
            assert moment is None or moment <= MONDAY, (conversation, field)
        assert conversation.created_at <= MONDAY
    for message in Message.objects.owned_by(loaded):
        assert (message.sent_at or message.received_at or MONDAY) <= MONDAY
        assert message.created_at <= MONDAY
    assert all(c.created_at <= MONDAY for c in Contact.objects.owned_by(loaded))


def test_every_row_belongs_to_the_owner_and_a_stranger_sees_nothing(loaded, bob):
    for model in (Organization, Contact, Tag, Conversation, Message, Takeaway):
        assert model.objects.exclude(owner=loaded).count() == 0, model
        assert not model.objects.owned_by(bob).exists(), model
    assert not contact_list(owner=bob).exists()
    assert demo_needed(owner=bob)


def test_it_refuses_to_load_twice_and_changes_nothing(alice):
    assert demo_needed(owner=alice)
    demo_load(owner=alice, now=MONDAY)
    assert not demo_needed(owner=alice)
    before = [model.objects.count() for model in (Contact, Conversation, Message, Takeaway)]
    with pytest.raises(ValidationError, match="already have 19 contacts"):
        demo_load(owner=alice, now=WEDNESDAY)
    after = [model.objects.count() for model in (Contact, Conversation, Message, Takeaway)]
    assert after == before


def test_it_refuses_an_owner_with_contacts_of_their_own(alice, contact):
    with pytest.raises(ValidationError, match="already have 1 contact\\."):
        demo_load(owner=alice)
    assert list(Contact.objects.owned_by(alice)) == [contact]


def test_the_cli_loads_it_once_then_refuses_in_one_line(db):
    runner = CliRunner()
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Loaded the demo network: 19 contacts, 9 organizations")
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.strip().count("\n") == 0
    assert "already have 19 contacts" in result.stderr
