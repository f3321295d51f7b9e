"""Names and subjects in mail headers and calendar invitations.

Names in any script arrive intact: RFC 2047 encoded words in mail headers, plain UTF-8 in
iCalendar. A line break that reached the database before names were checked never starts a
header or property of its own. Everything is read back with independent parsers: the standard
library's `email` (modern policy), icalendar and vobject.
"""

import email
import email.policy
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts.models import Profile
from coffeechat.accounts.services import profile_update
from coffeechat.agenda.feed import feed_token_create
from coffeechat.contacts.models import Contact
from coffeechat.conversations.scheduling import conversation_schedule
from coffeechat.outreach import delivery, services
from coffeechat.outreach.models import Message

NAMES = [
    pytest.param("José Müller-Lüdenscheidt", id="latin-accents"),
    pytest.param("Алексей Смирнов", id="cyrillic"),
    pytest.param("Γιώργος Παπαδόπουλος", id="greek"),
    pytest.param("山田 太郎", id="cjk"),
    pytest.param("محمد بن علي", id="arabic"),
    pytest.param('Jo "JJ" O\'Brien, Jr.', id="quote-and-comma"),
    pytest.param("Zoë Dvořák, Ph.D. (Ülm); 😀", id="punctuation-and-emoji"),
]
HOSTILE = 'Jo "X"\r\nATTENDEE:mailto:mallory@evil.example\r\nBcc: mallory@evil.example'


@pytest.fixture
def booked(alice, contact, conversation):
    start = (timezone.now() + timedelta(days=7)).astimezone(ZoneInfo("Europe/Berlin"))
    return conversation_schedule(
        owner=alice,
        conversation=conversation,
        start=start.replace(hour=10, minute=0, second=0, microsecond=0),
        time_zone="Europe/Berlin",
        length_minutes=20,
        format="video",
    )


def _name_everyone(alice, contact, name: str) -> None:
    # Straight into the database: the writers must cope with whatever is stored.
    Profile.objects.update_or_create(owner=alice, defaults={"display_name": name})
    Contact.objects.filter(pk=contact.pk).update(name=name)
    contact.refresh_from_db()


def _confirmation(alice, contact, booked) -> Message:
    return services.message_draft_create(
        owner=alice, contact=contact, template_key="builtin:confirmation_email", conversation=booked
    )


def _eml(client, message: Message) -> tuple[bytes, email.message.EmailMessage]:
    response = client.get(reverse("outreach:message_eml", args=[message.pk]))
    assert response.status_code == 200
    # The download's file name, read as a mail program reads the same header (RFC 2231).
    disposition = f"Content-Disposition: {response['Content-Disposition']}\n\n"
    filename = email.message_from_string(disposition, policy=email.policy.default).get_filename()
    assert filename == " ".join(f"Confirmation to {message.contact.name}.eml".split())
    raw = response.content
    return raw, email.message_from_bytes(raw, policy=email.policy.default)


def _headers(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def _invitation(client, booked) -> bytes:
    response = client.get(reverse("conversations:ics", args=[booked.pk]))
    assert response.status_code == 200
    return response.content


def _events(data: bytes):
    """The one event as icalendar and as vobject read it."""
    [by_icalendar] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return by_icalendar, vobject.readOne(data.decode("utf-8")).vevent


@pytest.mark.parametrize("name", NAMES)
def test_the_eml_carries_names_as_encoded_words(alice_client, alice, contact, booked, name):
    _name_everyone(alice, contact, name)
    draft = _confirmation(alice, contact, booked)
    raw, parsed = _eml(alice_client, draft)
    assert all(line.isascii() for line in _headers(raw)), "RFC 2047: headers are ASCII"
    assert parsed["To"].addresses[0].display_name == name
    assert parsed["To"].addresses[0].addr_spec == "ada@example.com"
    assert parsed["From"].addresses[0].display_name == name
    assert parsed["Subject"] == draft.subject


@pytest.mark.parametrize("name", NAMES)
def test_the_invitation_carries_names_as_plain_utf8(alice_client, alice, contact, booked, name):
    _name_everyone(alice, contact, name)
    data = _invitation(alice_client, booked)
    assert b"=?" not in data, "no mail encoding in a calendar"
    by_icalendar, by_vobject = _events(data)
    in_a_parameter = name.replace('"', "'")  # the one character a parameter cannot hold
    assert str(by_icalendar["SUMMARY"]) == f"Informational interview: {name} / {name}"
    assert by_vobject.summary.value == f"Informational interview: {name} / {name}"
    assert f"between {name} and {name}" in by_vobject.description.value
    assert f"between {name} and {name}" in str(by_icalendar["DESCRIPTION"])
    assert by_icalendar["ORGANIZER"].params["CN"] == in_a_parameter
    assert by_vobject.organizer.params["CN"] == [in_a_parameter]
    assert by_icalendar["ATTENDEE"].params["CN"] == in_a_parameter
    assert by_vobject.attendee.params["CN"] == [in_a_parameter]
    assert by_vobject.attendee.value == "mailto:ada@example.com"


@pytest.mark.parametrize("name", NAMES)
def test_a_sent_confirmation_carries_names_both_ways(alice, contact, booked, name, smtp_server):
    _name_everyone(alice, contact, name)
    services.message_send(owner=alice, message=_confirmation(alice, contact, booked))
    [received] = smtp_server.received
    assert received["From"].addresses[0].display_name == name
    assert received["To"].addresses[0].display_name == name
    [part] = [p for p in received.iter_attachments() if p.get_content_type() == "text/calendar"]
    data = part.get_payload(decode=True)
    assert b"=?" not in data
    by_icalendar, by_vobject = _events(data)
    assert by_vobject.organizer.params["CN"] == [name.replace('"', "'")]
    assert by_vobject.organizer.value == "mailto:alice@example.org"
    assert str(by_icalendar["SUMMARY"]).endswith(f"{name} / {name}")


def test_a_line_break_stored_in_a_name_starts_no_header_or_property(
    alice_client, alice, contact, booked
):
    _name_everyone(alice, contact, HOSTILE)
    one_line = " ".join(HOSTILE.split())

    data = _invitation(alice_client, booked)
    by_icalendar, by_vobject = _events(data)
    attendee = by_icalendar.get("ATTENDEE")
    assert not isinstance(attendee, list) and str(attendee) == "mailto:ada@example.com"
    assert [a.value for a in by_vobject.attendee_list] == ["mailto:ada@example.com"]
    assert by_vobject.organizer.value == "mailto:alice@example.com"
    assert by_vobject.organizer.params["CN"] == [one_line.replace('"', "'")]
    assert by_vobject.summary.value == f"Informational interview: {one_line} / {one_line}"
    assert b"\r\nATTENDEE:mailto:mallory" not in data

    draft = _confirmation(alice, contact, booked)
    Message.objects.filter(pk=draft.pk).update(subject="Tuesday\r\nBcc: mallory@evil.example")
    draft.refresh_from_db()
    raw, parsed = _eml(alice_client, draft)
    assert parsed["Bcc"] is None
    assert not any(line.startswith((b"Bcc", b"ATTENDEE")) for line in _headers(raw))
    assert parsed["Subject"] == "Tuesday Bcc: mallory@evil.example"
    assert "subject=Tuesday%20Bcc%3A%20mallory%40evil.example&" in delivery.mailto_url(draft)
    assert parsed["From"].addresses[0].display_name == one_line
    assert [a.addr_spec for a in parsed["To"].addresses] == ["ada@example.com"]


def test_a_line_break_stored_in_a_name_or_subject_never_stops_sending(
    alice, contact, booked, smtp_server
):
    _name_everyone(alice, contact, HOSTILE)
    draft = _confirmation(alice, contact, booked)
    Message.objects.filter(pk=draft.pk).update(subject="Tuesday\nBcc: mallory@evil.example")
    draft.refresh_from_db()
    services.message_send(owner=alice, message=draft)
    [received] = smtp_server.received
    assert smtp_server.envelopes[0].rcpt_tos == ["ada@example.com"]
    assert received["Bcc"] is None
    assert received["Subject"] == "Tuesday Bcc: mallory@evil.example"
    [part] = [p for p in received.iter_attachments() if p.get_content_type() == "text/calendar"]
    event = vobject.readOne(part.get_payload(decode=True).decode()).vevent
    assert [a.value for a in event.attendee_list] == ["mailto:ada@example.com"]


@pytest.mark.parametrize("separator", ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\v"])
def test_a_stored_line_break_stays_out_of_the_feed(client, alice, contact, booked, separator):
    _name_everyone(alice, contact, f"Ada{separator}SUMMARY:forged")
    response = client.get(reverse("agenda:feed", args=[feed_token_create(owner=alice)]))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.splitlines() == text.split("\r\n")[:-1], "no line ends but CRLF"
    [talk] = [e for e in vobject.readOne(text).vevent_list if e.uid.value == booked.ics_uid]
    assert talk.summary.value.startswith("Informational interview: Ada SUMMARY:forged")
    assert all(
        "\n" not in str(e["SUMMARY"])
        for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    )


def test_names_are_refused_with_a_line_break_before_they_reach_a_header(alice):
    with pytest.raises(Exception) as caught:
        profile_update(owner=alice, display_name=HOSTILE)
    assert caught.value.message_dict == {"display_name": ["This must fit on one line."]}
    assert Profile.objects.get(owner=alice).display_name == ""
