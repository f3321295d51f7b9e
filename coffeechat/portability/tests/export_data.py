"""One of everything a user can own, with awkward values, for the export and restore tests."""

from datetime import UTC, date, datetime, timedelta

from coffeechat.accounts.models import ApiToken, LoginLink, Profile
from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.contacts.models import Contact, Organization, Priority, Source, Tag
from coffeechat.conversations.models import (
    ChosenQuestion,
    Conversation,
    Format,
    Question,
    QuestionCategory,
    Reschedule,
    State,
    Takeaway,
    TakeawayKind,
)
from coffeechat.outreach.models import (
    Channel,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
    Template,
)

SECRET = "feed-secret-hash-0123456789"
TOKEN_HASH = "api-token-hash-9876543210"
LOGIN_HASH = "login-link-hash-5555555555"
WHEN = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def make_network(owner, prefix: str = "") -> dict:
    """A small network for `owner`; `prefix` keeps two owners' secrets apart."""
    Profile.objects.update_or_create(
        owner=owner,
        defaults={
            "display_name": "Jordan Ellery",
            "pitch": "I taught geography; now I am exploring user research.",
            "time_zone": "Europe/London",
            "feed_token_hash": prefix + SECRET,
        },
    )
    LoginLink.objects.create(owner=owner, token_hash=prefix + LOGIN_HASH, expires_at=WHEN)
    ApiToken.objects.create(owner=owner, name="laptop", token_hash=prefix + TOKEN_HASH)
    tidewater = Organization.objects.create(
        owner=owner, name="Tidewater, Analytics; Ltd", website="https://tidewater.example"
    )
    Organization.objects.create(owner=owner, name="Unused Org")
    climate = Tag.objects.create(owner=owner, name="climate")
    design = Tag.objects.create(owner=owner, name="design")
    # Referred by someone added after her: restore must resolve a reference forwards.
    ines = Contact.objects.create(
        owner=owner,
        name="Inês Carvalho",
        first_name="Inês",
        last_name="Carvalho",
        email="ines@tidewater.example",
        other_emails=["ines@home.example", "i.carvalho@old.example"],
        phone="+351 21 000 0000",
        linkedin_url="https://www.linkedin.com/in/ines-carvalho",
        organization=tidewater,
        title="Head of Research",
        location="Lisbon, Portugal",
        time_zone="Europe/Lisbon",
        source=Source.CONFERENCE,
        connection_note='Met at "Maps", then talked; over coffee\nSecond line',
        their_work='=HYPERLINK("http://evil.example")',
        research_notes="Wrote a paper on flood maps, with residents; see \\ notes",
        priority=Priority.HIGH,
        may_use_referrer_name=True,
        cadence_days=60,
        connected_on=date(2024, 5, 17),
    )
    ines.tags.set([design, climate])
    ben = Contact.objects.create(
        owner=owner,
        name="Ben Castellanos",
        email="ben@northbank.example",
        source=Source.REFERRAL,
        do_not_contact=True,
    )
    ines.referred_by = ben
    ines.save()
    conversation = Conversation.objects.create(
        owner=owner,
        contact=ines,
        state=State.HELD,
        requested_at=WHEN,
        scheduled_for=WHEN + timedelta(days=7),
        time_zone="Europe/Lisbon",
        format=Format.COFFEE,
        place="Café Nicola, Lisbon",
        held_at=WHEN + timedelta(days=7, hours=1),
        notes="# Notes\n- maps **matter**",
        clarity=4,
        ics_uid="abc@coffeechat",
        ics_sequence=2,
    )
    Reschedule.objects.create(
        owner=owner,
        conversation=conversation,
        previous_start=WHEN + timedelta(days=5),
        new_start=WHEN + timedelta(days=7),
        reason="She was travelling",
    )
    Question.objects.create(
        owner=owner, category=QuestionCategory.TRENDS, text="What will change most?"
    )
    ChosenQuestion.objects.create(
        owner=owner,
        conversation=conversation,
        category=QuestionCategory.CAREER_PATH,
        text="How did you start?",
        position=1,
        answer_note="Through a bootcamp.",
    )
    Takeaway.objects.create(
        owner=owner,
        conversation=conversation,
        kind=TakeawayKind.REFERRAL,
        text="Talk to Ben",
        referral_contact=ben,
        may_use_name=True,
    )
    Template.objects.create(
        owner=owner,
        name="My request",
        kind=MessageKind.REQUEST,
        channel=Channel.EMAIL,
        subject="15 minutes?",
        body="Hello {{ first_name }}",
        builtin_key="request_email",
    )
    request = Message.objects.create(
        owner=owner,
        contact=ines,
        conversation=conversation,
        kind=MessageKind.REQUEST,
        direction=Direction.OUT,
        status=MessageStatus.SENT,
        subject="15 minutes?",
        body="Hello Inês",
        sent_at=WHEN,
    )
    Message.objects.create(owner=owner, contact=ben, kind=MessageKind.OTHER, body="draft")
    AgendaMark.objects.create(
        owner=owner,
        item_key=f"thank_you:conversation:{conversation.pk}",
        action=MarkAction.SNOOZE,
        until=WHEN + timedelta(days=9),
    )
    return {"ines": ines, "ben": ben, "conversation": conversation, "request": request}
