"""Export, restore into an empty account, export again: the two files are the same."""

import io
import itertools
import json
from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coffeechat.accounts.models import Profile
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
    TakeawayStatus,
)
from coffeechat.outreach.models import (
    Channel,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
    Template,
)
from coffeechat.portability.backup import restore_json
from coffeechat.portability.exporters import export_json

# Any text the forms accept: emoji, right-to-left scripts, combining marks; line breaks and
# tabs in longer text; no control characters (restore refuses them, as the forms do) nor
# lone surrogates (not text at all).
TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=30)
NAME = st.text(st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1, max_size=30)
LONG_TEXT = st.text(
    st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from("\n\t"), max_size=200
)
EMAILS = st.just("") | st.from_regex(
    r"[a-z0-9_%+-]{1,20}(\.[a-z0-9_%+-]{1,10})?@[a-z0-9]{1,10}\.(com|org|dev)", fullmatch=True
)
ZONES = st.sampled_from(["UTC", "Europe/Lisbon", "America/Argentina/Buenos_Aires", "Asia/Kolkata"])
# Inside the years a date may take (1900–2200) in every time zone.
MOMENTS = st.datetimes(
    min_value=datetime(1901, 1, 1), max_value=datetime(2199, 1, 1), timezones=st.timezones()
)
OPTIONAL_MOMENTS = st.none() | MOMENTS
DAYS = st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
_owners = itertools.count()


def _new_owner():
    return get_user_model().objects.create_user(f"round-trip-{next(_owners)}")


def _stamp(obj, moment) -> None:
    """Sets the times auto_now would otherwise fill in with the present."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=moment, updated_at=moment)


@st.composite
def networks(draw):
    """A recipe for a small network with arbitrary text, dates and references."""
    n_contacts = draw(st.integers(1, 4))
    index = st.integers(0, n_contacts - 1)
    return {
        "profile": draw(st.none() | st.tuples(TEXT, LONG_TEXT, ZONES)),
        "organizations": draw(st.lists(st.tuples(TEXT, LONG_TEXT), max_size=3)),
        "tags": draw(st.lists(TEXT, max_size=3)),
        "contacts": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "name": NAME,
                        "first_name": TEXT,
                        "email": EMAILS,
                        "other_emails": st.lists(EMAILS.filter(bool), max_size=2),
                        "research_notes": LONG_TEXT,
                        "source": st.sampled_from(Source.values),
                        "priority": st.sampled_from(Priority.values),
                        "connected_on": DAYS,
                        "at": MOMENTS,
                        "organization": st.none() | st.integers(0, 2),
                        "tags": st.lists(st.integers(0, 2), max_size=3),
                        "referred_by": st.none() | index,
                        "do_not_contact": st.booleans(),
                    }
                ),
                min_size=n_contacts,
                max_size=n_contacts,
            )
        ),
        "conversations": draw(
            st.lists(
                st.tuples(index, st.sampled_from(State.values), OPTIONAL_MOMENTS, LONG_TEXT),
                max_size=3,
            )
        ),
        "messages": draw(
            st.lists(
                st.tuples(index, st.none() | st.integers(0, 2), TEXT, LONG_TEXT, OPTIONAL_MOMENTS),
                max_size=3,
            )
        ),
        "extras": draw(st.tuples(NAME, LONG_TEXT, MOMENTS, st.booleans())),
    }


def _build(owner, recipe) -> None:
    if recipe["profile"]:
        name, pitch, zone = recipe["profile"]
        Profile.objects.create(owner=owner, display_name=name, pitch=pitch, time_zone=zone)
    # Names are made unique ignoring case, as the database requires, by a number in front.
    organizations = [
        Organization.objects.create(owner=owner, name=f"{i} {name}", research_notes=notes)
        for i, (name, notes) in enumerate(recipe["organizations"])
    ]
    tags = [Tag.objects.create(owner=owner, name=f"{i} {t}") for i, t in enumerate(recipe["tags"])]
    contacts = []
    for spec in recipe["contacts"]:
        org = spec["organization"]
        contact = Contact.objects.create(
            owner=owner,
            name=spec["name"],
            first_name=spec["first_name"],
            email=spec["email"],
            other_emails=spec["other_emails"],
            research_notes=spec["research_notes"],
            source=spec["source"],
            priority=spec["priority"],
            connected_on=spec["connected_on"],
            do_not_contact=spec["do_not_contact"],
            organization=organizations[org]
            if org is not None and org < len(organizations)
            else None,
        )
        contact.tags.set([tags[t] for t in spec["tags"] if t < len(tags)])
        _stamp(contact, spec["at"])
        contacts.append(contact)
    for contact, spec in zip(contacts, recipe["contacts"], strict=True):
        if spec["referred_by"] is not None:  # may be anyone, later ones and themselves included
            Contact.objects.filter(pk=contact.pk).update(referred_by=contacts[spec["referred_by"]])
    conversations = []
    for who, state, moment, notes in recipe["conversations"]:
        conversation = Conversation.objects.create(
            owner=owner,
            contact=contacts[who],
            state=state,
            scheduled_for=moment,
            notes=notes,
            format=Format.COFFEE,
        )
        conversations.append(conversation)
    for who, about, subject, body, moment in recipe["messages"]:
        message = Message.objects.create(
            owner=owner,
            contact=contacts[who],
            conversation=conversations[about]
            if about is not None and about < len(conversations)
            else None,
            kind=MessageKind.REQUEST,
            channel=Channel.LINKEDIN,
            direction=Direction.OUT,
            status=MessageStatus.SENT,
            subject=subject,
            body=body,
            sent_at=moment,
        )
        if moment:
            _stamp(message, moment)
    text, long_text, moment, flag = recipe["extras"]
    Question.objects.create(owner=owner, category=QuestionCategory.TRENDS, text=text)
    Template.objects.create(
        owner=owner,
        name=text,
        kind=MessageKind.THANK_YOU,
        subject=text,
        body=f"Thank you. {long_text}",
    )
    if conversations:
        first = conversations[0]
        Reschedule.objects.create(
            owner=owner, conversation=first, previous_start=moment, new_start=moment, reason=text
        )
        ChosenQuestion.objects.create(
            owner=owner,
            conversation=first,
            category=QuestionCategory.ADVICE,
            text=text,
            answer_note=long_text,
        )
        Takeaway.objects.create(
            owner=owner,
            conversation=first,
            kind=TakeawayKind.REFERRAL,
            text=f"Meet {long_text}",
            status=TakeawayStatus.DONE,
            done_at=moment,
            referral_contact=contacts[-1],
            may_use_name=flag,
        )
        AgendaMark.objects.create(
            owner=owner,
            item_key=f"thank_you:conversation:{first.pk}",
            action=MarkAction.SNOOZE,
            until=moment,
        )
    AgendaMark.objects.create(owner=owner, item_key=text, action=MarkAction.DISMISS)


def _export(owner) -> bytes:
    stream = io.BytesIO()
    export_json(owner=owner, stream=stream, exported_at=datetime(2025, 1, 1))
    return stream.getvalue()


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    # Each example makes its own two owners, so the database fixture is safe to share.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(recipe=networks())
def test_export_restore_export_gives_the_same_file(recipe):
    original, restored = _new_owner(), _new_owner()
    try:
        _build(original, recipe)
        first = _export(original)
        restore_json(owner=restored, data=json.loads(first))
        assert _export(restored) == first
    finally:
        original.delete()
        restored.delete()
