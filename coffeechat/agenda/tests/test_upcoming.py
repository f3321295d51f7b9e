"""The Upcoming page and each person's next dates: from the agenda's rules, never stored."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts.services import profile_update
from coffeechat.agenda.services import agenda_dismiss, agenda_snooze
from coffeechat.agenda.tests.test_rules import person, thanked_person
from coffeechat.agenda.timing import date_words
from coffeechat.agenda.upcoming import upcoming
from coffeechat.conversations.models import Conversation, State
from coffeechat.demo import demo_load

TOKYO = ZoneInfo("Asia/Tokyo")


def _local(days: int, hour: int, tz=TOKYO) -> datetime:
    day = timezone.now().astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=tz)


@pytest.fixture
def planned(alice):
    """In Tokyo: a call booked in 10 days, a person due a note in 60 days, one in 100 days."""
    profile_update(owner=alice, time_zone="Asia/Tokyo")
    booked = Conversation.objects.create(
        owner=alice,
        contact=person(alice, "Bea Booked"),
        state=State.SCHEDULED,
        scheduled_for=_local(10, 14),
        format="video",
    )
    thanked_person(alice, "Sam Soon", _local(60 - 90, 11))
    thanked_person(alice, "Lou Later", _local(100 - 90, 11))
    return booked


def test_it_lists_the_next_90_days_week_by_week_with_each_date_in_words(
    alice, alice_client, planned
):
    response = alice_client.get(reverse("agenda:upcoming"))

    assert response.status_code == 200
    html = response.text
    call = _local(10, 14)
    assert "Video call with Bea Booked" in html
    assert f'href="{reverse("conversations:conversation_detail", args=[planned.pk])}"' in html
    assert f"{call:%A} {call.day} {call:%B} at 14:00 (in 10 days)" in html
    # The prep sheet and the reminder before the call come up on their days too.
    assert "Prepare for Bea Booked" in html
    assert "Remind Bea Booked and re-confirm" in html
    note = _local(60, 11)
    assert "Keep in touch with Sam Soon" in html
    assert f"{note:%A} {note.day} {note:%B}" in html
    assert "(in 8 weeks)" in html
    assert "Lou Later" not in html
    assert "Week of Monday" in html
    assert html.index("Video call with Bea Booked") < html.index("Keep in touch with Sam Soon")


def test_dismissed_entries_are_left_out(alice, planned):
    Conversation.objects.create(
        owner=alice,
        contact=person(alice, "Dee Dismissed"),
        state=State.SCHEDULED,
        scheduled_for=_local(5, 14),
        format="phone",
    )
    now = timezone.now()
    before = {e.title: e for e in upcoming(owner=alice, now=now).entries}
    agenda_dismiss(owner=alice, key=before["Prepare for Dee Dismissed"].key, now=now)

    after = {e.title: e for e in upcoming(owner=alice, now=now).entries}

    assert "Prepare for Dee Dismissed" not in after
    assert after["Phone call with Dee Dismissed"].kind == "Booked"
    assert after["Prepare for Bea Booked"].kind == "Before the call"
    assert after["Keep in touch with Sam Soon"].kind == "Keep in touch"


def test_a_snoozed_item_is_listed_on_the_day_it_comes_back(alice):
    profile_update(owner=alice, time_zone="Asia/Tokyo")
    # Due a note yesterday: on Today now, snoozed for a week.
    thanked_person(alice, "Sid Snoozed", _local(-1 - 90, 11))
    now = timezone.now()
    [entry] = upcoming(owner=alice, now=now).entries
    until = _local(7, 8)
    agenda_snooze(owner=alice, key=entry.key, until=until, now=now)

    [entry] = upcoming(owner=alice, now=now).entries

    assert entry.on == until
    assert entry.snoozed


def test_it_is_only_the_owners(alice, bob, client, planned):
    client.force_login(bob)

    html = client.get(reverse("agenda:upcoming")).text

    assert "Bea Booked" not in html
    assert "Sam Soon" not in html
    assert "Nothing planned yet" in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("agenda:upcoming")).status_code == 200
    return len(captured)


def test_it_takes_a_fixed_number_of_queries(alice, alice_client):
    demo_load(owner=alice)
    small = _queries(alice_client)
    now = timezone.now()
    for n in range(20):
        thanked_person(alice, f"Person {n}", now - timedelta(days=60 + n))
        Conversation.objects.create(
            owner=alice,
            contact=person(alice, f"Booked {n}"),
            state=State.SCHEDULED,
            scheduled_for=now + timedelta(days=3 + n),
        )

    assert _queries(alice_client) == small


def test_today_links_to_it(alice_client, alice):
    demo_load(owner=alice)
    html = alice_client.get("/").text
    assert f'href="{reverse("agenda:upcoming")}"' in html
    assert "What’s coming" in html


def test_dates_in_words_name_the_day_and_how_far_off_it_is():
    now = datetime(2026, 12, 7, 9, tzinfo=TOKYO)
    assert date_words(now, now=now, tz=TOKYO) == "Monday 7 December (today)"
    assert date_words(now + timedelta(days=3), now=now, tz=TOKYO) == (
        "Thursday 10 December (in 3 days)"
    )
    assert date_words(now - timedelta(days=15), now=now, tz=TOKYO, at=True) == (
        "Sunday 22 November at 09:00 (2 weeks ago)"
    )
    assert date_words(now + timedelta(days=60), now=now, tz=TOKYO) == (
        "Friday 5 February 2027 (in 8 weeks)"
    )


# A person's next dates, on their page


def test_a_persons_page_shows_their_next_call_and_next_step(alice, alice_client, planned):
    html = alice_client.get(planned.contact.get_absolute_url()).text

    call = _local(10, 14)
    assert "Next call" in html
    assert f"{call:%A} {call.day} {call:%B} at 14:00 (in 10 days)" in html
    assert "Next step" in html
    assert "Confirm with Bea Booked" in html
    assert "no date yet: it counts from your thank-you" in html
    assert "your default cadence" not in html


def test_a_persons_page_shows_when_they_are_due_a_note(alice, alice_client):
    profile_update(owner=alice, time_zone="Asia/Tokyo", default_cadence_days=60)
    sam = thanked_person(alice, "Sam Soon", _local(40 - 60, 11))
    late = thanked_person(alice, "Val Waiting", _local(-3 - 60, 11))

    html = alice_client.get(sam.get_absolute_url()).text
    note = _local(40, 11)
    year = f" {note.year}" if note.year != _local(0, 11).year else ""
    assert (
        f'every 60 days (your default); next note <time datetime="{note.isoformat()}">'
        f"{note:%A} {note.day} {note:%B}{year} (in 5 weeks)</time>"
    ) in html

    html = alice_client.get(late.get_absolute_url()).text
    assert "a note is due since" in html
    assert "(3 days ago)" in html


def test_another_users_person_page_is_still_not_found(bob, client, planned):
    client.force_login(bob)
    assert client.get(planned.contact.get_absolute_url()).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(reverse("agenda:upcoming"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_post(alice_client):
    assert alice_client.post(reverse("agenda:upcoming")).status_code == 405


def test_a_week_lists_five_people_due_a_note_and_counts_the_rest(alice, alice_client):
    profile_update(owner=alice, time_zone="Asia/Tokyo")
    # Eight people due a note on one day, 30 days ahead (a Wednesday or not, the same week).
    for n in range(8):
        thanked_person(alice, f"Person {n}", _local(30 - 90, 9 + n))

    result = upcoming(owner=alice, now=timezone.now())
    html = alice_client.get(reverse("agenda:upcoming")).text

    assert [e.title for e in result.entries] == [f"Keep in touch with Person {n}" for n in range(5)]
    [week] = result.weeks()
    assert week.more == 3
    assert "And 3 more people are due a note this week." in html
    assert "Person 7" not in html
