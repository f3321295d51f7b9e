import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts.services import profile_update
from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.agenda.rules import agenda
from coffeechat.agenda.services import agenda_dismiss, agenda_snooze
from coffeechat.agenda.tests.test_rules import person, thanked_person
from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import Conversation, State
from coffeechat.demo import demo_load

HTMX = {"HX-Request": "true"}
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def demo(alice):
    demo_load(owner=alice)
    return agenda(owner=alice, now=timezone.now())


def _item(current, title_start: str):
    return next(item for item in current.items if item.title.startswith(title_start))


def _mark(owner, key: str) -> AgendaMark | None:
    return AgendaMark.objects.filter(owner=owner, item_key=key).first()


def _local_8am(days: int) -> datetime:
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=days)
    return datetime.combine(day, time(8), tzinfo=LONDON)


def test_it_is_the_home_page_with_the_agenda_grouped_and_counted(alice_client, demo):
    response = alice_client.get("/")

    assert response.status_code == 200
    assert alice_client.get(reverse("agenda:today")).status_code == 200
    html = response.text
    counts = demo.counts
    assert counts["overdue"] and counts["today"] and counts["upcoming"]
    for heading, group in (("Overdue", "overdue"), ("Today", "today"), ("Next 7 days", "upcoming")):
        assert (
            f'{heading} <span class="badge agenda-count" id="count-{group}">{counts[group]}</span>'
            in html
        )
    assert html.index('id="group-overdue"') < html.index('id="group-today"')
    assert html.index('id="group-today"') < html.index('id="group-upcoming"')
    for item in demo.items:
        assert item.title in html
        assert item.action_label in html
        assert f'href="{item.action_url.replace("&", "&amp;")}"' in html
    thanks = _item(demo, "Thank Sofia Marchetti")
    assert thanks.reason in html
    # The snooze menu's name starts with the word it shows, for speech input.
    assert 'aria-label="Later: snooze or dismiss “Thank Sofia Marchetti”"' in html
    assert "Start here" not in html


def test_it_shows_when_each_item_is_due_in_the_users_zone(alice, alice_client, contact):
    profile_update(owner=alice, time_zone="America/New_York")
    held = timezone.now() - timedelta(hours=2)
    Conversation.objects.create(owner=alice, contact=contact, state=State.HELD, held_at=held)
    due = (held + timedelta(hours=24)).astimezone(ZoneInfo("America/New_York"))

    html = alice_client.get("/").text

    assert "Thank Ada Lovelace" in html
    assert f"Due tomorrow at {due:%H:%M}" in html or f"Due today at {due:%H:%M}" in html


def test_it_tells_a_new_user_what_to_do_first(alice_client):
    html = alice_client.get("/").text

    assert "Start here" in html
    assert f'<a href="{reverse("contacts:contact_create")}">Add people</a>' in html
    assert f'<a href="{reverse("accounts:profile")}">Write your pitch</a>' in html
    assert "All done for today" not in html


def test_it_tells_an_established_user_they_are_done_for_today(alice, alice_client):
    profile_update(
        owner=alice, pitch="I teach.", weekly_goal_requests=0, weekly_goal_conversations=0
    )
    for n in range(5):
        Contact.objects.create(owner=alice, name=f"Person {n}")

    html = alice_client.get("/").text

    assert "All done for today" in html
    assert "Start here" not in html
    assert 'class="agenda-items"' not in html


def test_it_snoozes_for_some_days_until_8_in_the_morning_with_an_undo(alice, alice_client, demo):
    item = _item(demo, "Thank Nadia Haddad")

    response = alice_client.post(reverse("agenda:snooze"), {"key": item.key, "days": "3"})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    mark = _mark(alice, item.key)
    assert (mark.action, mark.until) == (MarkAction.SNOOZE, _local_8am(3))
    page = alice_client.get("/").text
    undo = page[page.index('class="agenda-undo"') :]
    assert "Snoozed until" in undo.split("</div>")[0]
    assert item.title in undo.split("</div>")[0]
    assert f'action="{reverse("agenda:restore")}"' in undo.split("</div>")[0]
    assert f'value="{item.key}"' in undo.split("</div>")[0]
    assert f'<h3 class="agenda-title">{item.title}</h3>' not in page
    # The undo line shows once.
    assert 'class="agenda-undo"' not in alice_client.get("/").text


def test_it_snoozes_until_a_chosen_date(alice, alice_client, demo):
    item = _item(demo, "Thank Nadia Haddad")
    day = _local_8am(10).date()

    alice_client.post(reverse("agenda:snooze"), {"key": item.key, "until": day.isoformat()})

    assert _mark(alice, item.key).until == _local_8am(10)


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"until": "2020-01-01"}, "would end before now"),
        ({"until": "2199-01-01"}, "Snooze it for a year at most, or dismiss it."),
        ({"until": "someday"}, "Enter a valid date."),
        ({"days": "5"}, "Select a valid choice."),
        ({}, "Choose how long to snooze it for, or a date."),
    ],
)
def test_a_snooze_that_cannot_be_is_refused_and_changes_nothing(
    alice, alice_client, demo, htmx, data, message
):
    item = _item(demo, "Thank Nadia Haddad")

    response = alice_client.post(
        reverse("agenda:snooze"), {"key": item.key, **data}, headers=HTMX if htmx else {}
    )

    if htmx:
        assert response.status_code == 200
        assert 'role="alert"' in response.text and message in response.text
        assert item.title in response.text and "<html" not in response.text
    else:
        assert response.status_code == 302
        assert message in alice_client.get(response["Location"]).text
    assert not AgendaMark.objects.exists()


def test_htmx_snooze_answers_with_the_snoozed_line_an_undo_and_new_counts(
    alice, alice_client, demo
):
    item = _item(demo, "Thank Nadia Haddad")

    response = alice_client.post(
        reverse("agenda:snooze"), {"key": item.key, "days": "1"}, headers=HTMX
    )

    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    until = _local_8am(1)
    assert f"Snoozed until {until:%A} {until.day} {until:%B}, 08:00:</span> {item.title}" in html
    assert f'hx-post="{reverse("agenda:restore")}"' in html and ">Undo</button>" in html
    overdue = demo.counts["overdue"] - 1
    assert f'id="count-overdue" hx-swap-oob="true">{overdue}</span>' in html
    assert f'id="count-today" hx-swap-oob="true">{demo.counts["today"]}</span>' in html
    assert _mark(alice, item.key).until == until


def test_it_dismisses_and_restores(alice, alice_client, demo):
    item = _item(demo, "Thank Sofia Marchetti")

    response = alice_client.post(reverse("agenda:dismiss"), {"key": item.key}, headers=HTMX)

    assert "Dismissed:</span> Thank Sofia Marchetti" in response.text
    assert _mark(alice, item.key).action == MarkAction.DISMISS
    assert item.key not in {i.key for i in agenda(owner=alice, now=timezone.now()).items}

    response = alice_client.post(reverse("agenda:restore"), {"key": item.key}, headers=HTMX)

    assert response.status_code == 200
    assert _mark(alice, item.key) is None
    assert item.title in response.text and item.reason in response.text
    assert f'href="{item.action_url.replace("&", "&amp;")}"' in response.text
    assert f'id="count-today" hx-swap-oob="true">{demo.counts["today"]}</span>' in response.text


def test_undo_works_without_javascript(alice, alice_client, demo):
    item = _item(demo, "Thank Sofia Marchetti")
    alice_client.post(reverse("agenda:dismiss"), {"key": item.key})
    assert "Dismissed: “Thank Sofia Marchetti”" in alice_client.get("/").text

    response = alice_client.post(reverse("agenda:restore"), {"key": item.key}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Restored “Thank Sofia Marchetti”." in response.text
    assert 'class="agenda-undo"' not in response.text
    assert _mark(alice, item.key) is None


def test_it_lists_snoozed_and_dismissed_items_to_restore(alice, alice_client, demo):
    now = timezone.now()
    snoozed, dismissed = _item(demo, "Thank Nadia"), _item(demo, "Thank Sofia")
    agenda_snooze(owner=alice, key=snoozed.key, until=now + timedelta(days=2), now=now)
    agenda_dismiss(owner=alice, key=dismissed.key, now=now)

    html = alice_client.get("/").text

    hidden = html[html.index('class="card agenda-hidden"') :]
    assert "Snoozed and dismissed" in hidden
    assert "Thank Nadia Haddad</strong>" in hidden and "Snoozed until" in hidden
    assert "Thank Sofia Marchetti</strong>" in hidden and "· Dismissed" in hidden


def test_a_key_not_on_the_agenda_is_refused(alice, alice_client, demo):
    response = alice_client.post(
        reverse("agenda:snooze"), {"key": "thank_you:conversation:0", "days": "1"}, follow=True
    )

    assert "That item is not on your agenda any more." in response.text
    response = alice_client.post(reverse("agenda:dismiss"), {"key": "nonsense"}, headers=HTMX)
    assert "That item is not on your agenda any more." in response.text
    response = alice_client.post(reverse("agenda:restore"), {"key": "nonsense"}, follow=True)
    assert "That item is not snoozed or dismissed." in response.text
    assert not AgendaMark.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_bob_cannot_snooze_dismiss_or_restore_alices_items(alice, bob, client, demo, htmx):
    now = timezone.now()
    nadia, sofia = _item(demo, "Thank Nadia"), _item(demo, "Thank Sofia")
    agenda_snooze(owner=alice, key=sofia.key, until=now + timedelta(days=2), now=now)
    before = list(AgendaMark.objects.values_list("owner", "item_key", "action", "until"))
    client.force_login(bob)
    headers = HTMX if htmx else {}

    for url, data in (
        ("agenda:snooze", {"key": nadia.key, "days": "1"}),
        ("agenda:snooze", {"key": nadia.key, "until": "2099-01-01"}),
        ("agenda:dismiss", {"key": nadia.key}),
        ("agenda:restore", {"key": sofia.key}),
    ):
        response = client.post(reverse(url), data, headers=headers)
        assert response.status_code == (200 if htmx else 302)
        text = response.text if htmx else client.get("/").text
        assert "not on your agenda" in text or "not snoozed or dismissed" in text
        assert "Thank Nadia" not in text and "Thank Sofia" not in text

    assert list(AgendaMark.objects.values_list("owner", "item_key", "action", "until")) == before
    after = agenda(owner=alice, now=now)
    assert [i.key for i in after.items] == [i.key for i in demo.items if i.key != sofia.key]


@pytest.mark.parametrize("name", ["snooze", "dismiss", "restore", "feed_create", "feed_revoke"])
def test_the_post_views_refuse_get(alice_client, name):
    assert alice_client.get(reverse(f"agenda:{name}")).status_code == 405


def test_the_today_page_refuses_post(alice_client):
    assert alice_client.post("/").status_code == 405


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    for url in ("/", reverse("agenda:feed_settings")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(reverse("agenda:snooze"), {"key": "x", "days": "1"})
    assert response.status_code == 302 and not AgendaMark.objects.exists()


def test_today_comes_first_in_the_navigation(alice_client):
    html = alice_client.get(reverse("contacts:contact_list")).text
    nav = html[html.index('<nav aria-label="Main">') :]
    assert nav.index(">Today</a>") < nav.index(">People</a>")
    # The link may carry its icon before the word.
    current = re.compile(r'<a href="/" aria-current="page">(<svg .*?</svg>)?Today</a>', re.S)
    assert current.search(alice_client.get("/").text)


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def _agenda_queries(owner) -> int:
    with CaptureQueriesContext(connection) as captured:
        agenda(owner=owner, now=timezone.now())
    return len(captured)


def test_the_page_adds_a_fixed_number_of_queries_to_the_agenda(alice, alice_client, demo):
    small = _page_queries(alice_client) - _agenda_queries(alice)
    now = timezone.now()
    for n in range(30):
        person = Contact.objects.create(owner=alice, name=f"Person {n}")
        talk = Conversation.objects.create(
            owner=alice, contact=person, state=State.HELD, held_at=now - timedelta(hours=n + 1)
        )
        if n % 3 == 0:
            agenda_dismiss(owner=alice, key=f"thank_you:conversation:{talk.pk}", now=now)

    large = _page_queries(alice_client) - _agenda_queries(alice)

    # The session, the user and whether the user has anyone yet; the profile the agenda reads
    # is the one read to set the time zone.
    assert small == large == 3


def test_a_long_group_shows_its_first_items_and_a_link_to_all(alice_client, demo, monkeypatch):
    monkeypatch.setattr("coffeechat.agenda.views.GROUP_LIMIT", 2)

    html = alice_client.get("/").text

    overdue = demo.counts["overdue"]
    assert html.count('class="agenda-item agenda-item-overdue"') == 2
    assert f"The first 2 of {overdue}." in html
    assert f'<a href="?all=1#group-overdue">Show all {overdue}</a>' in html
    everything = alice_client.get("/", {"all": "1"}).text
    assert everything.count('class="agenda-item agenda-item-overdue"') == overdue
    assert "The first 2 of" not in everything


def test_it_says_how_many_more_people_are_due_a_note(alice, alice_client):
    for n in range(8):
        thanked_person(alice, f"Person {n}", timezone.now() - timedelta(days=100 + n))

    page = alice_client.get(reverse("home")).content.decode()

    assert page.count('<h3 class="agenda-title">Keep in touch with Person') == 5
    assert "3 more people are due a note to keep in touch" in page


@pytest.mark.parametrize(
    ("view", "data", "done"),
    [("agenda:dismiss", {}, "Dismissed"), ("agenda:snooze", {"days": "3"}, "Snoozed until")],
    ids=["dismiss", "snooze"],
)
def test_clearing_someone_due_a_note_while_others_wait_draws_the_page_again(
    alice, alice_client, view, data, done
):
    for n in range(7):
        thanked_person(alice, f"Person {n}", timezone.now() - timedelta(days=100 + n))
    first = agenda(owner=alice, now=timezone.now())
    oldest = next(item for item in first.items if item.contact.name == "Person 6")

    response = alice_client.post(reverse(view), {"key": oldest.key, **data}, headers=HTMX)

    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    page = alice_client.get(reverse("home")).text
    assert f"{done}" in page and "“Keep in touch with Person 6”" in page
    assert 'class="secondary small" autofocus>Undo</button>' in page
    assert page.count('<h3 class="agenda-title">Keep in touch with Person') == 5
    assert '<h3 class="agenda-title">Keep in touch with Person 1' in page
    assert "1 more person is due a note to keep in touch" in page


def test_clearing_an_item_with_nobody_waiting_answers_with_just_that_line(alice, alice_client):
    thanked_person(alice, "Person 0", timezone.now() - timedelta(days=100))
    current = agenda(owner=alice, now=timezone.now())
    item = next(item for item in current.items if item.rule == "keep_in_touch")

    response = alice_client.post(reverse("agenda:dismiss"), {"key": item.key}, headers=HTMX)

    assert "HX-Refresh" not in response
    assert "Dismissed:</span> Keep in touch with Person 0" in response.text


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_restoring_someone_behind_the_few_shown_says_when_they_come_up(
    alice, alice_client, headers
):
    now = timezone.now()
    for n in range(5):
        thanked_person(alice, f"Person {n}", now - timedelta(days=100 + n))
    latest = next(i for i in agenda(owner=alice, now=now).items if i.title.endswith("Person 0"))
    agenda_dismiss(owner=alice, key=latest.key, now=now)
    # Meanwhile someone else comes due, ahead of the dismissed person.
    thanked_person(alice, "Someone Earlier", now - timedelta(days=120))

    response = alice_client.post(reverse("agenda:restore"), {"key": latest.key}, headers=headers)

    assert _mark(alice, latest.key) is None
    if headers:
        assert response["HX-Refresh"] == "true"
    else:
        assert response.status_code == 302
    page = alice_client.get(reverse("home")).text
    assert "Restored; it comes up as you write to, snooze or dismiss the people above it." in page
    assert "Keep in touch with Person 0" not in page
    assert "1 more person is due a note to keep in touch" in page


def test_restoring_someone_ahead_of_those_shown_puts_the_last_of_them_back_in_the_queue(
    alice, alice_client
):
    now = timezone.now()
    for n in range(6):
        thanked_person(alice, f"Person {n}", now - timedelta(days=100 + n))
    oldest = next(i for i in agenda(owner=alice, now=now).items if i.contact.name == "Person 5")
    agenda_dismiss(owner=alice, key=oldest.key, now=now)
    shown = alice_client.get(reverse("home")).text
    assert "Keep in touch with Person 0" in shown and "more people are due" not in shown

    response = alice_client.post(reverse("agenda:restore"), {"key": oldest.key}, headers=HTMX)

    assert response["HX-Refresh"] == "true"
    page = alice_client.get(reverse("home")).text
    assert "Restored “Keep in touch with Person 5”." in page
    assert '<h3 class="agenda-title">Keep in touch with Person 5' in page
    assert "Keep in touch with Person 0" not in page
    assert "1 more person is due a note to keep in touch" in page


def _group_html(html: str, group: str) -> str:
    start = html.index(f'id="group-{group}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("zone_name", ["Pacific/Auckland", "America/Los_Angeles"])
def test_groups_mean_what_they_say_at_the_day_boundaries_in_the_users_zone(
    alice, alice_client, zone_name
):
    tz = ZoneInfo(zone_name)
    profile_update(owner=alice, time_zone=zone_name)
    today = timezone.now().astimezone(tz).date()

    def local(days: int, hour: int) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(hour), tzinfo=tz)

    # Held yesterday, nothing written: the notes were due yesterday, so they are overdue.
    Conversation.objects.create(
        owner=alice,
        contact=person(alice, "Yara Yesterday"),
        state=State.HELD,
        held_at=local(-1, 12),
        thanked_at=local(-1, 13),
    )
    # Booked for the day after tomorrow late at night, so the prep sheet is due today at
    # 23:59 (48 hours before), after now; and in 5 days, so it is due in 3 days.
    for name, days in (("Tariq Today", 2), ("Nina Later", 5)):
        Conversation.objects.create(
            owner=alice,
            contact=person(alice, name),
            state=State.SCHEDULED,
            scheduled_for=local(days, 23) + timedelta(minutes=59),
        )

    html = alice_client.get("/").text

    assert "Write up your conversation with Yara Yesterday" in _group_html(html, "overdue")
    assert "Prepare for Tariq Today" in _group_html(html, "today")
    assert "Prepare for Nina Later" in _group_html(html, "upcoming")
    for group in ("overdue", "today"):
        assert "Prepare for Nina Later" not in _group_html(html, group)
    assert "Prepare for Tariq Today" not in _group_html(html, "overdue")
    # Nothing in the Today group says it was due on another day.
    assert "Due yesterday" not in _group_html(html, "today")


def test_an_item_due_earlier_and_not_late_yet_says_when_it_is_due_by(alice, alice_client):
    profile_update(owner=alice, time_zone="Europe/London")
    # Due a note eight days ago: not late until it is more than two weeks past its date.
    thanked_person(alice, "Kim Keeping", timezone.now() - timedelta(days=98))

    html = alice_client.get("/").text

    upcoming = _group_html(html, "upcoming")
    assert "Keep in touch with Kim Keeping" in upcoming
    assert "Due by " in upcoming
    assert "agenda-item-overdue" not in html
