from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts.services import profile_update
from coffeechat.conversations.models import Conversation, Reschedule, State
from coffeechat.conversations.scheduling import conversation_schedule
from coffeechat.outreach.models import Message, MessageKind, MessageStatus, Template

BERLIN = ZoneInfo("Europe/Berlin")


def _day(days: int = 10) -> str:
    return (timezone.now().astimezone(BERLIN) + timedelta(days=days)).date().isoformat()


def _form(**changes) -> dict:
    return {
        "date": _day(),
        "time": "10:00",
        "time_zone": "Europe/Berlin",
        "length_minutes": "20",
        "format": "video",
        "place": "https://meet.example/ada",
        "reason": "",
        **changes,
    }


@pytest.fixture
def booked(alice, conversation):
    start = datetime.fromisoformat(f"{_day(5)}T10:00").replace(tzinfo=BERLIN)
    return conversation_schedule(
        owner=alice,
        conversation=conversation,
        start=start,
        time_zone="Europe/Berlin",
        length_minutes=20,
        format="video",
    )


def _url(name: str, conversation: Conversation) -> str:
    return reverse(f"conversations:{name}", args=[conversation.pk])


# The booking page


def test_it_offers_the_contacts_zone_or_mine(alice, alice_client, conversation, contact):
    profile_update(owner=alice, time_zone="Europe/Lisbon")
    page = alice_client.get(_url("schedule", conversation))
    assert page.status_code == 200
    assert "Book a time with" in page.text
    assert 'value="Europe/Lisbon"' in page.text
    assert 'value="20"' in page.text
    assert "15 to 30 minutes" in page.text
    assert '<datalist id="time-zones">' in page.text

    contact.time_zone = "America/New_York"
    contact.save()
    assert (
        'name="time_zone" value="America/New_York"'
        in alice_client.get(_url("schedule", conversation)).text
    )


def test_booking_drafts_a_confirmation_and_opens_its_editor(alice_client, conversation):
    response = alice_client.post(_url("schedule", conversation), _form())

    conversation.refresh_from_db()
    assert conversation.state == State.SCHEDULED
    assert conversation.scheduled_for.astimezone(BERLIN).strftime("%H:%M") == "10:00"
    message = Message.objects.get()
    assert message.kind == MessageKind.CONFIRMATION and message.status == MessageStatus.DRAFT
    assert message.conversation == conversation
    assert "10:00" in message.body and "https://meet.example/ada" in message.body
    assert response.status_code == 302
    assert response.url == reverse("outreach:message_edit", args=[message.pk])
    page = alice_client.get(response.url)
    assert "Booked for" in page.text
    # Without a mail server the message cannot carry the invitation: it says where it is.
    assert "the calendar invitation (.ics) to attach is on the conversation page" in page.text


def test_booking_says_the_confirmation_carries_the_invitation_when_it_can(
    alice_client, conversation, settings
):
    settings.EMAIL_HOST, settings.DEFAULT_FROM_EMAIL = "smtp.example.org", "me@example.org"
    response = alice_client.post(_url("schedule", conversation), _form(), follow=True)
    assert "sent from coffeechat it carries the calendar invitation" in response.text


def test_it_uses_my_version_of_the_confirmation(alice, alice_client, conversation):
    Template.objects.create(
        owner=alice,
        name="My confirmation",
        kind="confirmation",
        subject="See you on {{ date }}",
        body="Dear {{ first_name }}, see you at {{ time }}.",
        builtin_key="confirmation_email",
    )
    alice_client.post(_url("schedule", conversation), _form())
    assert Message.objects.get().body == "Dear Ada, see you at 10:00."


def test_booking_without_an_email_drafts_a_linkedin_confirmation(
    alice_client, conversation, contact
):
    contact.email = ""
    contact.save()
    response = alice_client.post(_url("schedule", conversation), _form(), follow=True)
    conversation.refresh_from_db()
    assert conversation.state == State.SCHEDULED
    message = Message.objects.get()
    assert (message.kind, message.channel) == ("confirmation", "linkedin")
    assert len(message.body) <= 300 and "Ada" in message.body
    assert "calendar invitation" not in response.text


def test_the_booking_page_shows_the_current_time_on_both_clocks(alice, alice_client, booked):
    profile_update(owner=alice, time_zone="Europe/Berlin")
    booked.contact.time_zone = "America/New_York"
    booked.contact.save()
    page = alice_client.get(_url("schedule", booked)).text
    new_york = booked.scheduled_for.astimezone(ZoneInfo("America/New_York"))
    assert "Your time (Europe/Berlin)</dt><dd>" in page
    assert f"{booked.scheduled_for.astimezone(BERLIN):%-d %B %Y}, 10:00" in page
    assert f"Their time (America/New_York)</dt><dd>{new_york:%A %-d %B %Y, %H:%M}" in page


def test_rescheduling_drafts_a_new_time_message(alice_client, booked):
    page = alice_client.get(_url("schedule", booked))
    assert "Move the conversation with" in page.text
    assert 'name="reason"' in page.text
    assert f'value="{_day(5)}"' in page.text

    response = alice_client.post(
        _url("schedule", booked), _form(time="15:30", reason="A clash on their side")
    )

    booked.refresh_from_db()
    assert booked.state == State.SCHEDULED and booked.ics_sequence == 1
    [move] = Reschedule.objects.all()
    assert move.reason == "A clash on their side"
    message = Message.objects.get()
    assert message.kind == MessageKind.RESCHEDULE and "15:30" in message.body
    assert "Thank you for letting me know" in message.body and "sorry" not in message.body
    assert response.url == reverse("outreach:message_edit", args=[message.pk])


def test_a_time_i_moved_is_worded_as_mine(alice_client, booked):
    assert 'name="moved_by"' in alice_client.get(_url("schedule", booked)).text
    alice_client.post(_url("schedule", booked), _form(time="15:30", moved_by="me"))
    body = Message.objects.get().body
    assert "letting me move our conversation" in body and "sorry" in body


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"date": "2001-01-01"}, "That time has already passed"),
        ({"length_minutes": "0"}, "At least 5 minutes; 15 to 30 is the usual ask."),
        ({"length_minutes": "-5"}, "At least 5 minutes"),
        ({"length_minutes": "240"}, "At most 180 minutes"),
        (
            {"time_zone": "Europe/Atlantis"},
            "“Europe/Atlantis” is not a time zone; use a name such as Europe/London",
        ),
        ({"time": "25:00"}, "Enter a valid time"),
        ({"date": ""}, "This field is required"),
        ({"format": "pigeon"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(alice_client, conversation, changes, shown):
    response = alice_client.post(_url("schedule", conversation), _form(**changes))
    assert response.status_code == 200
    assert shown in response.text
    conversation.refresh_from_db()
    assert conversation.state == State.PLANNED and conversation.scheduled_for is None
    assert not Message.objects.exists() and not Reschedule.objects.exists()


def test_a_time_the_clocks_skip_is_refused(alice_client, conversation):
    response = alice_client.post(
        _url("schedule", conversation), _form(date="2099-03-29", time="02:30")
    )
    assert "02:30 does not exist on 29 March 2099" in response.text
    conversation.refresh_from_db()
    assert conversation.scheduled_for is None


def test_a_closed_conversation_cannot_be_booked(alice_client, conversation):
    conversation.state = State.THANKED
    conversation.save()
    page = alice_client.get(_url("schedule", conversation))
    assert "cannot be booked" in page.text and '<form method="post" class' not in page.text
    response = alice_client.post(_url("schedule", conversation), _form())
    assert "cannot be booked" in response.text
    conversation.refresh_from_db()
    assert conversation.state == State.THANKED


# The panel on the conversation page


def test_the_panel_offers_to_book_a_time(alice_client, conversation):
    page = alice_client.get(_url("conversation_detail", conversation))
    assert "No time booked yet." in page.text
    assert _url("schedule", conversation) in page.text


def test_the_panel_shows_both_clocks_history_and_actions(alice, alice_client, booked, contact):
    profile_update(owner=alice, time_zone="Europe/Berlin")
    contact.time_zone = "America/New_York"
    contact.save()
    alice_client.post(_url("schedule", booked), _form(reason="Moved for a dentist"))
    page = alice_client.get(_url("conversation_detail", booked)).text
    assert "Your time" in page and "10:00" in page
    assert "Their time" in page and "(America/New_York)" in page
    assert "Moved for a dentist" in page
    for name in ("schedule", "ics", "held", "cancel"):
        assert _url(name, booked) in page, name
    assert "Yes, cancel it" in page


def test_the_panel_shows_one_clock_when_both_agree(alice, alice_client, booked, contact):
    profile_update(owner=alice, time_zone="Europe/Berlin")
    page = alice_client.get(_url("conversation_detail", booked)).text
    assert "Your time" in page and "Their time" not in page


# Cancel, no-show, held


def test_it_cancels(alice_client, booked):
    response = alice_client.post(_url("cancel", booked), follow=True)
    booked.refresh_from_db()
    assert booked.state == State.CANCELLED and booked.ics_sequence == 1
    assert response.redirect_chain == [(_url("conversation_detail", booked), 302)]
    assert "Cancelled the conversation with Ada Lovelace" in response.text
    assert "Download the cancellation (.ics)" in response.text


def test_it_marks_held_as_booked_once_the_time_has_come(alice_client, booked):
    booked.scheduled_for = (timezone.now() - timedelta(minutes=30)).replace(microsecond=0)
    booked.save()
    response = alice_client.post(_url("held", booked), follow=True)
    booked.refresh_from_db()
    assert booked.state == State.HELD and booked.held_at == booked.scheduled_for
    assert "Marked as held" in response.text


def test_it_marks_held_at_the_time_given_earlier_than_booked(alice_client, alice, booked):
    profile_update(owner=alice, time_zone="Europe/Berlin")
    booked.requested_at = timezone.now() - timedelta(days=3)
    booked.save()
    earlier = (
        (timezone.now() - timedelta(days=1)).astimezone(BERLIN).replace(second=0, microsecond=0)
    )
    page = alice_client.get(_url("conversation_detail", booked))
    assert "You talked already? Mark it held" in page.text

    response = alice_client.post(
        _url("held", booked),
        {"date": earlier.date().isoformat(), "time": f"{earlier:%H:%M}"},
        follow=True,
    )

    booked.refresh_from_db()
    assert booked.state == State.HELD and booked.held_at == earlier
    assert "Marked as held" in response.text


@pytest.mark.parametrize(
    ("days", "said"),
    [
        (-5, "Not marked held. When you talked: That is before you sent the request"),
        (2, "Not marked held. When you talked: That is still to come"),
    ],
)
def test_a_time_it_cannot_have_happened_is_refused_by_its_label(alice_client, booked, days, said):
    booked.requested_at = timezone.now() - timedelta(days=3)
    booked.save()
    when = timezone.now().astimezone(BERLIN) + timedelta(days=days)
    response = alice_client.post(
        _url("held", booked), {"date": when.date().isoformat(), "time": "10:00"}, follow=True
    )
    assert said in response.text
    assert "held at:" not in response.text and "held_at" not in response.text
    booked.refresh_from_db()
    assert booked.state == State.SCHEDULED


def test_a_day_without_a_time_is_refused_by_its_label(alice_client, booked):
    response = alice_client.post(_url("held", booked), {"date": _day(-1)}, follow=True)
    assert "Time you talked: Give both the day and the time you talked." in response.text
    booked.refresh_from_db()
    assert booked.state == State.SCHEDULED


def test_it_marks_a_no_show_once_the_time_has_come(alice_client, booked):
    response = alice_client.post(_url("no_show", booked), follow=True)
    assert "has not started yet" in response.text
    booked.refresh_from_db()
    assert booked.state == State.SCHEDULED

    booked.scheduled_for = timezone.now() - timedelta(minutes=10)
    booked.save()
    response = alice_client.post(_url("no_show", booked), follow=True)
    booked.refresh_from_db()
    assert booked.state == State.NO_SHOW
    assert "Marked as a no-show" in response.text
    assert "Book another time" in response.text


def test_the_no_show_button_waits_for_the_booked_time(alice_client, booked):
    page = reverse("conversations:conversation_detail", args=[booked.pk])
    assert _url("no_show", booked) not in alice_client.get(page).text

    booked.scheduled_for = timezone.now() - timedelta(minutes=10)
    booked.save()
    assert _url("no_show", booked) in alice_client.get(page).text


def test_a_refused_change_is_explained(alice_client, conversation):
    response = alice_client.post(_url("held", conversation), follow=True)
    assert "Only a scheduled conversation can be marked held." in response.text
    conversation.refresh_from_db()
    assert conversation.state == State.PLANNED


# The invitation download


def test_it_downloads_the_invitation(alice_client, booked, settings):
    settings.DEFAULT_FROM_EMAIL = "alice@example.org"
    response = alice_client.get(_url("ics", booked))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=REQUEST"
    assert response["Content-Disposition"] == 'attachment; filename="invitation.ics"'
    assert f"UID:{booked.ics_uid}".encode() in response.content
    assert b"ORGANIZER" in response.content and b"alice@example.org" in response.content


def test_there_is_no_invitation_before_a_booking(alice_client, conversation):
    assert alice_client.get(_url("ics", conversation)).status_code == 404


# Methods and strangers


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("schedule", "put"),
        ("cancel", "get"),
        ("no_show", "get"),
        ("held", "get"),
        ("ics", "post"),
    ],
)
def test_it_refuses_other_methods(alice_client, booked, name, refused):
    assert getattr(alice_client, refused)(_url(name, booked)).status_code == 405
    booked.refresh_from_db()
    assert booked.state == State.SCHEDULED


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("schedule", "get"),
        ("schedule", "post"),
        ("cancel", "post"),
        ("no_show", "post"),
        ("held", "post"),
        ("ics", "get"),
    ],
)
def test_bob_gets_404_and_changes_nothing(client, bob, booked, name, method):
    client.force_login(bob)
    before = (booked.state, booked.scheduled_for, booked.ics_sequence, booked.updated_at)
    response = getattr(client, method)(_url(name, booked), _form(date=_day(20)))
    assert response.status_code == 404
    booked.refresh_from_db()
    assert (booked.state, booked.scheduled_for, booked.ics_sequence, booked.updated_at) == before
    assert not Message.objects.exists()
    assert booked.scheduled_for.astimezone(UTC) > timezone.now()


def test_a_past_time_that_happened_is_recorded_and_nothing_is_drafted(alice_client, booked):
    booked.requested_at = timezone.now() - timedelta(days=5)
    booked.save()
    page = alice_client.get(_url("schedule", booked))
    assert "It already happened" in page.text

    response = alice_client.post(
        _url("schedule", booked),
        _form(date=_day(-1), time="09:30", reason="Moved up", happened="on"),
        follow=True,
    )

    booked.refresh_from_db()
    assert booked.state == State.HELD and booked.ics_sequence == 1
    assert booked.held_at == booked.scheduled_for
    assert booked.held_at.astimezone(BERLIN).strftime("%H:%M") == "09:30"
    assert booked.reschedules.get().reason == "Moved up"
    assert response.redirect_chain == [(_url("conversation_detail", booked), 302)]
    assert "it is marked held" in response.text
    assert not Message.objects.filter(conversation=booked, status=MessageStatus.DRAFT).exists()


def test_a_past_time_without_saying_it_happened_says_how_to_record_it(alice_client, booked):
    response = alice_client.post(_url("schedule", booked), _form(date=_day(-1)))
    assert "tick “It already happened”" in response.text
    booked.refresh_from_db()
    assert booked.state == State.SCHEDULED and not booked.reschedules.exists()
