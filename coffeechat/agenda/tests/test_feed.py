"""The calendar feed: its secret link, and the calendar read back with two parsers."""

import hashlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts.models import Profile
from coffeechat.agenda.feed import (
    feed_calendar,
    feed_owner,
    feed_token_create,
    feed_token_revoke,
)
from coffeechat.agenda.rules import agenda
from coffeechat.agenda.services import agenda_snooze
from coffeechat.conversations.ics import invitation
from coffeechat.conversations.models import Conversation
from coffeechat.conversations.scheduling import conversation_schedule, event_uid
from coffeechat.demo import demo_load
from coffeechat.outreach.delivery import organizer


@pytest.fixture
def demo(alice):
    demo_load(owner=alice)
    return alice


def _feed_url(token: str) -> str:
    return reverse("agenda:feed", args=[token])


def _events(data: bytes) -> dict[str, icalendar.Event]:
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return {str(e["UID"]): e for e in events if isinstance(e, icalendar.Event)}


def test_it_makes_a_token_and_keeps_only_its_hash(alice):
    token = feed_token_create(owner=alice)

    profile = Profile.objects.get(owner=alice)
    assert len(token) >= 40
    assert profile.feed_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Profile.objects.filter(owner=alice).values().get())
    assert feed_owner(token) == alice


def test_a_new_token_replaces_the_old_one(alice):
    first = feed_token_create(owner=alice)
    second = feed_token_create(owner=alice)

    assert first != second
    assert feed_owner(first) is None
    assert feed_owner(second) == alice


def test_a_revoked_token_opens_nothing(alice):
    token = feed_token_create(owner=alice)

    feed_token_revoke(owner=alice)

    assert Profile.objects.get(owner=alice).feed_token_hash == ""
    assert feed_owner(token) is None


@pytest.mark.parametrize("token", ["", "guess", "x" * 5000, hashlib.sha256(b"").hexdigest()])
def test_an_unknown_token_opens_nothing(alice, bob, token):
    feed_token_create(owner=bob)
    Profile.objects.get_or_create(owner=alice)  # a profile with no feed: an empty hash

    assert feed_owner(token) is None


def test_an_inactive_users_feed_is_closed(alice):
    token = feed_token_create(owner=alice)
    alice.is_active = False
    alice.save()

    assert feed_owner(token) is None


def test_a_guessed_or_revoked_link_is_a_404(client, alice):
    token = feed_token_create(owner=alice)
    assert client.get(_feed_url(token)).status_code == 200

    assert client.get(_feed_url(token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404
    feed_token_revoke(owner=alice)
    assert client.get(_feed_url(token)).status_code == 404


def test_the_feed_opens_without_logging_in_and_is_not_cached_by_others(client, demo):
    response = client.get(_feed_url(feed_token_create(owner=demo)))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert client.head(_feed_url(feed_token_create(owner=demo))).status_code == 200
    assert client.post(_feed_url(feed_token_create(owner=demo))).status_code == 405


def test_the_feed_holds_the_upcoming_conversation_and_what_is_due(client, demo):
    now = timezone.now()
    response = client.get(_feed_url(feed_token_create(owner=demo)))
    data = response.content
    current = agenda(owner=demo, now=now)
    oliver = Conversation.objects.get(owner=demo, contact__name="Oliver Brennan")

    # icalendar
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["X-WR-CALNAME"]) == "coffeechat"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in data.decode()
    assert str(cal["X-PUBLISHED-TTL"]) == "PT1H"
    events = _events(data)
    # The same event the invitation carries: its UID, summary and sequence.
    name, address = organizer(owner=demo)
    [invited] = icalendar.Calendar.from_ical(
        invitation(conversation=oliver, organizer_name=name, organizer_email=address)
    ).walk("VEVENT")
    talk = events[str(invited["UID"])]
    assert str(talk["UID"]) == event_uid(oliver)
    assert str(talk["SUMMARY"]) == str(invited["SUMMARY"])
    assert str(talk["SUMMARY"]).startswith("Informational interview: Oliver Brennan")
    assert talk["SEQUENCE"] == invited["SEQUENCE"]
    assert talk.decoded("DTSTART") == oliver.scheduled_for
    assert talk.decoded("DTEND") - talk.decoded("DTSTART") == timedelta(minutes=30)
    assert str(talk["LOCATION"]) == oliver.place
    assert str(talk["URL"]) == f"http://testserver/conversations/{oliver.pk}/"
    for item in current.items:
        event = events[f"{item.key}.{demo.pk}@coffeechat"]
        assert str(event["SUMMARY"]).endswith(item.title)
        assert item.reason in str(event["DESCRIPTION"])
        assert str(event["URL"]) == "http://testserver" + item.action_url
        assert str(event["TRANSP"]) == "TRANSPARENT"
    assert len(events) == len(current.items) + 1

    # vobject, an independent parser
    parsed = vobject.readOne(data.decode("utf-8"))
    by_uid = {event.uid.value: event for event in parsed.vevent_list}
    assert set(by_uid) == set(events)
    talk = by_uid[event_uid(oliver)]
    assert talk.dtstart.value == oliver.scheduled_for
    assert talk.dtend.value == oliver.scheduled_for + timedelta(minutes=30)
    for item in current.overdue:
        event = by_uid[f"{item.key}.{demo.pk}@coffeechat"]
        assert event.summary.value == f"Overdue: {item.title}"
        # Something late is shown on today, all day, in the user's zone.
        assert isinstance(event.dtstart.value, date) and not isinstance(
            event.dtstart.value, datetime
        )
        assert event.dtend.value - event.dtstart.value == timedelta(days=1)


def test_items_are_all_day_on_their_day_or_at_their_time(demo):
    now = timezone.now()
    current = agenda(owner=demo, now=now)
    events = _events(feed_calendar(owner=demo, now=now))
    tz = ZoneInfo(current.time_zone)
    for item in current.today + current.upcoming:
        start = events[f"{item.key}.{demo.pk}@coffeechat"].decoded("DTSTART")
        if isinstance(start, datetime):
            assert start == item.due_at.replace(microsecond=0) and item.due_at > now
        elif item.due_at <= now:
            assert start == now.astimezone(tz).date()
        else:
            assert start == item.due_at.astimezone(tz).date()


def test_the_uids_are_stable_and_a_snoozed_item_leaves_the_feed(demo):
    now = timezone.now()
    first = _events(feed_calendar(owner=demo, now=now))
    later = _events(feed_calendar(owner=demo, now=now + timedelta(minutes=5)))
    assert set(first) == set(later)

    item = agenda(owner=demo, now=now).overdue[0]
    agenda_snooze(owner=demo, key=item.key, until=now + timedelta(days=1), now=now)

    assert set(_events(feed_calendar(owner=demo, now=now))) == set(first) - {
        f"{item.key}.{demo.pk}@coffeechat"
    }


def test_a_feed_shows_only_its_owners_agenda(client, demo, bob):
    response = client.get(_feed_url(feed_token_create(owner=bob)))

    assert response.status_code == 200
    assert b"Oliver Brennan" not in response.content
    assert b"Sofia" not in response.content


def test_an_empty_agenda_is_a_valid_calendar(alice):
    data = feed_calendar(owner=alice, now=datetime(2025, 6, 10, 9, tzinfo=UTC))
    assert vobject.readOne(data.decode()).name == "VCALENDAR"


# The settings page


def test_the_feed_link_is_shown_once_then_only_that_one_exists(alice, alice_client):
    page = alice_client.get(reverse("agenda:feed_settings"))
    assert "The feed is off" in page.text and "Turn the feed on" in page.text

    response = alice_client.post(reverse("agenda:feed_create"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    hashed = Profile.objects.get(owner=alice).feed_token_hash
    [url] = [
        line.split('value="')[1].split('"')[0]
        for line in response.text.splitlines()
        if 'id="feed-url"' in line
    ]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert url == f"http://testserver{_feed_url(token)}"
    assert hashlib.sha256(token.encode()).hexdigest() == hashed
    assert f'href="webcal://testserver{_feed_url(token)}"' in response.text
    assert alice_client.get(url).status_code == 200

    again = alice_client.get(reverse("agenda:feed_settings")).text
    assert "A feed link exists" in again and token not in again
    assert "Make a new link" in again and "Turn the feed off" in again
    assert token not in alice_client.get("/").text


def test_turning_the_feed_off_breaks_its_link(alice, alice_client):
    alice_client.post(reverse("agenda:feed_create"))
    token = feed_token_create(owner=alice)

    response = alice_client.post(reverse("agenda:feed_revoke"), follow=True)

    assert "The calendar feed is off" in response.text
    assert alice_client.get(_feed_url(token)).status_code == 404


def test_making_a_link_for_bob_leaves_alices_alone(alice, bob, client):
    alices = feed_token_create(owner=alice)
    client.force_login(bob)

    client.post(reverse("agenda:feed_create"))
    client.post(reverse("agenda:feed_revoke"))

    assert feed_owner(alices) == alice


def test_the_digest_can_be_turned_on_and_off_in_multi_user_mode(alice, alice_client, settings):
    settings.MULTIUSER = True
    page = alice_client.get(reverse("agenda:feed_settings")).text
    assert "Turn the digest on" in page and "alice@example.com" in page

    alice_client.post(reverse("agenda:digest_toggle"), {"digest": "on"})
    assert Profile.objects.get(owner=alice).digest_opt_in
    assert "Turn the digest off" in alice_client.get(reverse("agenda:feed_settings")).text

    alice_client.post(reverse("agenda:digest_toggle"), {})
    assert not Profile.objects.get(owner=alice).digest_opt_in
    assert alice_client.get(reverse("agenda:digest_toggle")).status_code == 405


def test_a_long_group_is_cut_short_with_one_event_counting_the_rest(demo, monkeypatch):
    monkeypatch.setattr("coffeechat.agenda.feed.FEED_LIMIT", 2)
    now = timezone.now()
    current = agenda(owner=demo, now=now)

    events = _events(feed_calendar(owner=demo, now=now, base_url="http://cc.example"))

    overdue = [e for e in events.values() if str(e["SUMMARY"]).startswith("Overdue: ")]
    assert len(overdue) == 2
    more = events[f"more:overdue.{demo.pk}@coffeechat"]
    assert (
        str(more["SUMMARY"]) == f"{current.counts['overdue'] - 2} more overdue items in coffeechat"
    )
    assert more.decoded("DTSTART") == now.astimezone(ZoneInfo(current.time_zone)).date()
    assert str(more["URL"]) == "http://cc.example/"


def test_a_booking_is_its_invitations_event_and_reading_the_feed_writes_nothing(
    client, alice, conversation
):
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    booking = {"time_zone": "Europe/Berlin", "length_minutes": 20, "format": "video"}
    conversation_schedule(owner=alice, conversation=conversation, start=start, **booking)
    moved = conversation_schedule(
        owner=alice, conversation=conversation, start=start + timedelta(hours=1), **booking
    )
    url = _feed_url(feed_token_create(owner=alice))
    before = list(Conversation.objects.values()), list(Profile.objects.values())

    data = client.get(url).content

    assert (list(Conversation.objects.values()), list(Profile.objects.values())) == before
    talk = _events(data)[moved.ics_uid]
    assert talk["SEQUENCE"] == 1
    assert talk.decoded("DTSTART") == start + timedelta(hours=1)
    assert talk["DTSTART"].params["TZID"] == "Europe/Berlin"
    parsed = vobject.readOne(data.decode())
    [by_vobject] = [e for e in parsed.vevent_list if e.uid.value == moved.ics_uid]
    assert by_vobject.dtstart.value == start + timedelta(hours=1)
    assert by_vobject.sequence.value == "1"
