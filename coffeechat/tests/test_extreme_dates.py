"""Bookings saved with times no calendar can hold, put straight into the database as rows from
before times were checked would be: every page, download and command that writes dates still
answers, leaves that booking out (or says so) and keeps the others."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject
from click.testing import CliRunner
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from coffeechat.accounts.services import local_user_get_or_create, profile_update
from coffeechat.agenda.feed import feed_token_create
from coffeechat.cli import main
from coffeechat.contacts.services import contact_create
from coffeechat.conversations.models import Conversation, State
from coffeechat.outreach import services
from coffeechat.outreach.models import MessageStatus

pytestmark = pytest.mark.django_db

LAST = datetime(9999, 12, 31, 23, 50, tzinfo=UTC)
FIRST = datetime(1, 1, 1, 0, 10, tzinfo=UTC)
# (the zone of the user and of the booking, the booked start, its length in minutes)
EXTREMES = [
    pytest.param(("UTC", LAST, 20), id="last-minutes-of-9999"),
    pytest.param(("Etc/GMT+12", LAST, 20), id="9999-twelve-hours-behind"),
    pytest.param(("Etc/GMT-14", LAST, 20), id="9999-fourteen-hours-ahead"),
    pytest.param(("Etc/GMT+12", FIRST, 20), id="year-1-twelve-hours-behind"),
    pytest.param(("Etc/GMT-14", FIRST, 20), id="year-1-fourteen-hours-ahead"),
    pytest.param(("UTC", datetime(9999, 12, 31, 12, tzinfo=UTC), 32767), id="longest-length"),
    pytest.param(("UTC", datetime(2201, 1, 1, tzinfo=UTC), 20), id="just-past-2200"),
]
FINE = datetime(2030, 6, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def me():
    return local_user_get_or_create()


def _booking(owner, name: str, *, start: datetime, zone: str, length: int) -> Conversation:
    contact = contact_create(owner=owner, name=name, email=f"{name.lower()}@example.com")
    conversation = Conversation.objects.create(owner=owner, contact=contact, state=State.SCHEDULED)
    # Around the services, as an older version or another program could have written it.
    Conversation.objects.filter(pk=conversation.pk).update(
        scheduled_for=start, time_zone=zone, length_minutes=length, ics_uid=f"{name}@coffeechat"
    )
    return Conversation.objects.get(pk=conversation.pk)


@pytest.fixture
def extreme(request, me):
    zone, start, length = request.param
    profile_update(owner=me, time_zone=zone, display_name="Me")
    odd = _booking(me, "Ada", start=start, zone=zone, length=length)
    fine = _booking(me, "Grace", start=FINE, zone="Europe/Berlin", length=30)
    return odd, fine


@pytest.fixture
def me_client(me):
    client = Client(raise_request_exception=False)
    client.force_login(me)
    return client


def _uids(data: bytes) -> set[str]:
    """The UIDs of the events, read by icalendar and by vobject, which must agree."""
    by_icalendar = {str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    by_vobject = {e.uid.value for e in vobject.readOne(data.decode()).contents.get("vevent", [])}
    assert by_icalendar == by_vobject
    return by_icalendar


@pytest.mark.parametrize("extreme", EXTREMES, indirect=True)
def test_the_invitation_download_explains_instead_of_failing(me_client, extreme):
    odd, fine = extreme
    response = me_client.get(reverse("conversations:ics", args=[odd.pk]))
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "The booked time with Ada" in message and "outside the years 1900 to 2200" in message
    assert "\n" not in message
    good = me_client.get(reverse("conversations:ics", args=[fine.pk]))
    assert good.status_code == 200 and _uids(good.content) == {"Grace@coffeechat"}


@pytest.mark.parametrize("extreme", EXTREMES, indirect=True)
def test_the_pages_that_show_the_booking_still_open(me_client, extreme):
    odd, _ = extreme
    detail = me_client.get(reverse("conversations:conversation_detail", args=[odd.pk]))
    assert detail.status_code == 200
    assert "outside the years 1900 to 2200: book the conversation again" in detail.text
    for url in [
        reverse("conversations:prep", args=[odd.pk]),
        reverse("conversations:notes", args=[odd.pk]),
        reverse("conversations:schedule", args=[odd.pk]),
        odd.contact.get_absolute_url(),
    ]:
        assert me_client.get(url).status_code == 200, url


@pytest.mark.parametrize("extreme", EXTREMES, indirect=True)
def test_the_prep_sheet_says_the_time_is_out_of_range(me_client, extreme):
    odd, _ = extreme
    response = me_client.get(reverse("conversations:prep_sheet", args=[odd.pk]))
    assert response.status_code == 200
    assert "outside the years 1900 to 2200: book the conversation again" in response.text


@pytest.mark.parametrize("extreme", EXTREMES, indirect=True)
def test_the_calendar_export_leaves_that_booking_out(me_client, extreme):
    response = me_client.get(reverse("portability:export_download", args=["ics"]))
    assert response.status_code == 200
    assert _uids(response.content) == {"Grace@coffeechat"}


@pytest.mark.parametrize("extreme", EXTREMES, indirect=True)
def test_the_export_command_leaves_it_out_and_says_so(extreme):
    odd, _ = extreme
    result = CliRunner().invoke(main, ["export", "ics"])
    assert result.exit_code == 0, result.output
    assert _uids(result.stdout_bytes) == {"Grace@coffeechat"}
    # The year-1 booking is not upcoming: nothing to say about it.
    if odd.scheduled_for > FINE:
        assert "Left out: The booked time with Ada" in result.stderr


@pytest.mark.parametrize("extreme", EXTREMES, indirect=True)
def test_the_feed_leaves_it_out_with_a_reminder_to_book_again(client, me, extreme):
    odd, _ = extreme
    response = client.get(reverse("agenda:feed", args=[feed_token_create(owner=me)]))
    assert response.status_code == 200
    assert "Grace@coffeechat" in _uids(response.content)
    assert "Ada@coffeechat" not in _uids(response.content)
    summaries = [
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    ]
    if odd.scheduled_for > FINE:
        assert "Book the conversation with Ada again" in summaries


@pytest.mark.parametrize("extreme", EXTREMES, indirect=True)
def test_the_today_page_still_opens(me_client, extreme):
    assert me_client.get(reverse("agenda:today")).status_code == 200


@pytest.mark.parametrize("extreme", EXTREMES, indirect=True)
def test_the_other_exports_write_the_time_as_stored(me_client, extreme):
    odd, _ = extreme
    response = me_client.get(reverse("portability:export_download", args=["json"]))
    assert response.status_code == 200
    stored = {
        c["ics_uid"]: c["scheduled_for"] for c in json.loads(response.content)["conversations"]
    }
    assert stored["Ada@coffeechat"] == odd.scheduled_for.isoformat().replace("+00:00", "Z")

    response = me_client.get(reverse("portability:export_download", args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["name"] for row in rows} == {"Ada", "Grace"}

    response = me_client.get(reverse("portability:export_download", args=["vcard"]))
    assert response.status_code == 200
    cards = list(vobject.readComponents(response.content.decode()))
    assert {card.fn.value for card in cards} == {"Ada", "Grace"}


@pytest.mark.parametrize("extreme", EXTREMES, indirect=True)
def test_the_conversation_list_shows_it_as_stored(extreme):
    odd, _ = extreme
    result = CliRunner().invoke(main, ["conversations", "list"])
    assert result.exit_code == 0, result.output
    stored = odd.scheduled_for.isoformat(sep=" ", timespec="minutes")[:16]
    assert f"{stored} UTC (out of range)" in result.output
    result = CliRunner().invoke(main, ["conversations", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert {row["contact"] for row in json.loads(result.output)} == {"Ada", "Grace"}


@pytest.mark.parametrize("kind", ["json", "csv", "vcard"])
@pytest.mark.parametrize("extreme", EXTREMES[:3], indirect=True)
def test_the_export_commands_write_everything(extreme, kind):
    result = CliRunner().invoke(main, ["export", kind])
    assert result.exit_code == 0, result.output
    assert "Ada" in result.stdout


def test_an_overlong_booking_in_range_is_written_at_the_longest_length(me_client, me):
    _booking(me, "Ada", start=FINE, zone="UTC", length=32767)
    response = me_client.get(reverse("portability:export_download", args=["ics"]))
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event.DTEND - event.DTSTART == timedelta(minutes=180)
    assert "A 180-minute video call" in str(event["DESCRIPTION"])


@pytest.mark.parametrize("extreme", EXTREMES, indirect=True)
def test_a_message_about_it_is_sent_without_an_invitation(me, extreme, smtp_server):
    odd, _ = extreme
    draft = services.message_draft_create(
        owner=me,
        contact=odd.contact,
        template_key="builtin:confirmation_email",
        conversation=odd,
    )
    services.message_send(owner=me, message=draft)
    draft.refresh_from_db()
    assert draft.status == MessageStatus.SENT
    [received] = smtp_server.received
    assert not [p for p in received.iter_attachments() if p.get_content_type() == "text/calendar"]
