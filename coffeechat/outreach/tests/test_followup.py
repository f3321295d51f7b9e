from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from coffeechat.accounts.services import profile_get
from coffeechat.contacts.models import Contact, Organization
from coffeechat.conversations.models import Conversation, State
from coffeechat.outreach.followup import follow_up_for, follow_ups
from coffeechat.outreach.models import Message


def _page(request, **kwargs):
    return HttpResponse()


# The fragment links to pages of other apps; these stand in for them while it is rendered.
urlpatterns = [
    path("contacts/", include("coffeechat.contacts.urls")),
    path(
        "outreach/",
        include(
            (
                [
                    path("compose/<int:contact_pk>/", _page, name="compose"),
                    path(
                        "conversations/<int:conversation_pk>/close-no-reply/",
                        _page,
                        name="close_no_reply",
                    ),
                ],
                "outreach",
            )
        ),
    ),
]

MONDAY = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 5) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


def set_time_zone(owner, name: str) -> None:
    profile = profile_get(owner=owner)
    profile.time_zone = name
    profile.save()


def person(owner, name: str, organization=None, **fields) -> Contact:
    return Contact.objects.create(owner=owner, name=name, organization=organization, **fields)


def request(
    contact: Contact, requested_at: datetime = MONDAY, state: str = State.REQUESTED
) -> Conversation:
    return Conversation.objects.create(
        owner=contact.owner, contact=contact, state=state, requested_at=requested_at
    )


def nudge(contact: Contact, sent_at: datetime | None, conversation=None, status="sent") -> Message:
    return Message.objects.create(
        owner=contact.owner,
        contact=contact,
        conversation=conversation,
        kind="nudge",
        direction="out",
        status=status,
        sent_at=sent_at if status == "sent" else None,
    )


def reply(contact: Contact, received_at: datetime, conversation=None) -> Message:
    return Message.objects.create(
        owner=contact.owner,
        contact=contact,
        conversation=conversation,
        kind="reply",
        direction="in",
        status="received",
        received_at=received_at,
    )


@pytest.fixture
def waiting(contact):
    return request(contact)


@pytest.fixture
def colleague(alice, organization):
    return person(alice, "Charles Babbage", organization, title="Engineer")


# The thresholds, for a request sent on Monday 6 May 2024 at 09:00 UTC.


@pytest.mark.parametrize(
    ("now", "step", "days"),
    [
        (MONDAY, "wait", 0),
        (at(9, 8, 59), "wait", 2),
        (at(9), "try_another", 3),
        (at(9, 9, 1), "try_another", 3),
        (at(15, 8, 59), "try_another", 6),
        (at(15), "nudge", 7),
        (at(16), "nudge", 8),
    ],
)
def test_it_moves_through_the_steps_at_3_and_7_business_days(
    alice, waiting, colleague, now, step, days
):
    follow_up = follow_up_for(owner=alice, conversation=waiting, now=now)

    assert follow_up is not None
    assert (follow_up.step, follow_up.business_days_waiting) == (step, days)
    assert follow_up.requested_at == MONDAY
    assert follow_up.contact == waiting.contact
    assert follow_up.nudged_at is None


def test_it_dates_the_wait_from_the_request(alice, waiting, colleague):
    follow_up = follow_up_for(owner=alice, conversation=waiting, now=at(8))

    assert follow_up.step_due_at == MONDAY
    assert follow_up.next_step_at == at(9)
    assert follow_up.others_at_organization == ()
    assert follow_up.reason == (
        "No reply for 2 business days. If there is still none by Thursday 9 May, try someone "
        "else at Analytical Engines."
    )


def test_it_offers_another_person_from_3_business_days(alice, waiting, colleague):
    follow_up = follow_up_for(owner=alice, conversation=waiting, now=at(10))

    assert follow_up.step == "try_another"
    assert follow_up.step_due_at == at(9)
    assert follow_up.next_step_at == at(15)
    assert follow_up.others_at_organization == (colleague,)
    assert follow_up.reason == (
        "No reply for 4 business days. Try someone else at Analytical Engines while you wait."
    )


def test_it_suggests_finding_someone_when_nobody_else_there_is_known(alice, waiting):
    follow_up = follow_up_for(owner=alice, conversation=waiting, now=at(10))

    assert follow_up.step == "try_another"
    assert follow_up.others_at_organization == ()
    assert "Nobody else at Analytical Engines is in your list yet" in follow_up.reason


def test_it_goes_straight_to_the_nudge_without_an_organization(alice):
    loner = person(alice, "Grace Hopper")
    conversation = request(loner)

    early = follow_up_for(owner=alice, conversation=conversation, now=at(10))
    due = follow_up_for(owner=alice, conversation=conversation, now=at(15))

    assert (early.step, early.others_at_organization) == ("wait", ())
    assert early.step_due_at == MONDAY
    assert early.next_step_at == at(15)
    assert early.reason == (
        "No reply for 4 business days. If there is still none by Wednesday 15 May, send Grace "
        "Hopper one polite nudge."
    )
    assert due.step == "nudge"


def test_it_makes_the_nudge_due_at_7_business_days(alice, waiting, colleague):
    follow_up = follow_up_for(owner=alice, conversation=waiting, now=at(16))

    assert follow_up.step == "nudge"
    assert follow_up.step_due_at == at(15)
    assert follow_up.next_step_at is None
    assert follow_up.others_at_organization == (colleague,)
    assert follow_up.reason == "No reply for 8 business days. Send Ada one short, polite nudge."


@pytest.mark.parametrize(
    ("now", "step", "next_step_at"),
    [
        (at(15, 10), "wait", at(24, 10)),
        (at(24, 9, 59), "wait", at(24, 10)),
        (at(24, 10), "close", None),
        (at(27, 10), "close", None),
    ],
)
def test_it_suggests_closing_7_business_days_after_the_nudge(
    alice, waiting, now, step, next_step_at
):
    nudge(waiting.contact, at(15, 10), conversation=waiting)

    follow_up = follow_up_for(owner=alice, conversation=waiting, now=now)

    assert follow_up.step == step
    assert follow_up.nudged_at == at(15, 10)
    assert follow_up.next_step_at == next_step_at
    assert follow_up.step_due_at == (at(15, 10) if step == "wait" else at(24, 10))


def test_it_explains_the_wait_after_the_nudge_and_the_close(alice, waiting):
    nudge(waiting.contact, at(15, 10), conversation=waiting)

    waiting_on = follow_up_for(owner=alice, conversation=waiting, now=at(20))
    closing = follow_up_for(owner=alice, conversation=waiting, now=at(27))

    assert waiting_on.reason.startswith(
        "You nudged Ada on Wednesday 15 May. If there is still no reply by Friday 24 May, "
        "close the request as “no reply”."
    )
    assert closing.reason.startswith(
        "No reply in 7 business days since your nudge on Wednesday 15 May. Close the request"
    )


def test_a_nudge_sent_early_starts_the_close_clock(alice, waiting, colleague):
    nudge(waiting.contact, at(7), conversation=waiting)

    on_day_3 = follow_up_for(owner=alice, conversation=waiting, now=at(9))
    on_day_7 = follow_up_for(owner=alice, conversation=waiting, now=at(15))
    on_day_7_after_it = follow_up_for(owner=alice, conversation=waiting, now=at(16))

    assert on_day_3.step == "wait"
    assert on_day_3.others_at_organization == (colleague,)
    assert "Try someone else at Analytical Engines" in on_day_3.reason
    assert on_day_7.step == "wait"
    assert on_day_7_after_it.step == "close"


def test_a_nudge_logged_for_the_person_counts(alice, waiting):
    nudge(waiting.contact, at(15, 10))

    follow_up = follow_up_for(owner=alice, conversation=waiting, now=at(16))

    assert (follow_up.step, follow_up.nudged_at) == ("wait", at(15, 10))


def test_a_draft_or_an_older_nudge_does_not_count(alice, waiting):
    nudge(waiting.contact, MONDAY - timedelta(days=30))
    nudge(waiting.contact, None, conversation=waiting, status="draft")

    follow_up = follow_up_for(owner=alice, conversation=waiting, now=at(16))

    assert (follow_up.step, follow_up.nudged_at) == ("nudge", None)


# Weekends, time zones and daylight saving.


@pytest.mark.parametrize(
    ("requested_at", "now", "step", "days"),
    [
        (at(9, 15), at(13, 15), "wait", 2),
        (at(9, 15), at(14, 14, 59), "wait", 2),
        (at(9, 15), at(14, 15), "try_another", 3),
        (at(9, 15), at(17, 15), "try_another", 6),
        (at(9, 15), at(20, 15), "nudge", 7),
        (at(10, 15), at(12, 23), "wait", 0),
        (at(10, 15), at(13, 14, 59), "wait", 0),
        (at(10, 15), at(13, 15), "wait", 1),
        (at(10, 15), at(15, 15), "try_another", 3),
        (at(10, 15), at(21, 14, 59), "try_another", 6),
        (at(10, 15), at(21, 15), "nudge", 7),
    ],
)
def test_it_skips_the_weekend(alice, contact, colleague, requested_at, now, step, days):
    conversation = request(contact, requested_at)

    follow_up = follow_up_for(owner=alice, conversation=conversation, now=now)

    assert (follow_up.step, follow_up.business_days_waiting) == (step, days)


def test_it_dates_the_steps_over_the_weekend(alice, contact, colleague):
    conversation = request(contact, at(10, 15))

    follow_up = follow_up_for(owner=alice, conversation=conversation, now=at(13, 15))

    assert follow_up.next_step_at == at(15, 15)
    assert "Wednesday 15 May" in follow_up.reason


@pytest.mark.parametrize(
    ("time_zone", "step", "days", "next_step_at"),
    [
        # Friday 13:00 in UTC is already Saturday 01:00 in Auckland: the weekend is over sooner.
        ("Pacific/Auckland", "try_another", 3, at(20, 13)),
        ("UTC", "wait", 2, at(15, 13)),
    ],
)
def test_it_counts_in_the_users_time_zone_when_it_is_already_saturday_there(
    alice, contact, colleague, time_zone, step, days, next_step_at
):
    set_time_zone(alice, time_zone)
    conversation = request(contact, at(10, 13))

    follow_up = follow_up_for(owner=alice, conversation=conversation, now=at(14, 13))

    assert (follow_up.step, follow_up.business_days_waiting) == (step, days)
    assert follow_up.next_step_at == next_step_at


@pytest.mark.parametrize(
    ("time_zone", "step", "days", "next_step_at"),
    [
        # Saturday 01:00 in UTC is still Friday 18:00 in Los Angeles: Friday counts there.
        ("America/Los_Angeles", "wait", 2, at(16, 1)),
        ("UTC", "try_another", 3, at(21, 1)),
    ],
)
def test_it_counts_in_the_users_time_zone_when_it_is_still_friday_there(
    alice, contact, colleague, time_zone, step, days, next_step_at
):
    set_time_zone(alice, time_zone)
    conversation = request(contact, at(11, 1))

    follow_up = follow_up_for(owner=alice, conversation=conversation, now=at(15, 1))

    assert (follow_up.step, follow_up.business_days_waiting) == (step, days)
    assert follow_up.next_step_at == next_step_at


@pytest.mark.parametrize(
    ("requested_at", "due_at"),
    [
        # Thursday 09:00 in Berlin; the clocks go forward on Sunday 31 March and back on
        # Sunday 27 October, so 09:00 the next Tuesday is an hour earlier or later in UTC.
        (at(28, 8, month=3), at(2, 7, month=4)),
        (at(24, 7, month=10), at(29, 8, month=10)),
    ],
)
def test_it_keeps_the_wall_clock_across_a_daylight_saving_change(
    alice, contact, colleague, requested_at, due_at
):
    set_time_zone(alice, "Europe/Berlin")
    conversation = request(contact, requested_at)

    before = follow_up_for(
        owner=alice, conversation=conversation, now=due_at - timedelta(minutes=1)
    )
    due = follow_up_for(owner=alice, conversation=conversation, now=due_at)

    assert (before.step, before.business_days_waiting) == ("wait", 2)
    assert before.next_step_at == due_at
    assert (due.step, due.business_days_waiting) == ("try_another", 3)
    assert due.step_due_at == due_at
    assert due.step_due_at.astimezone(ZoneInfo("Europe/Berlin")).hour == 9


# Replies.


def test_a_reply_recorded_on_the_conversation_ends_the_routine(alice, waiting):
    waiting.replied_at = at(7)
    waiting.save()

    assert follow_up_for(owner=alice, conversation=waiting, now=at(16)) is None
    assert follow_ups(owner=alice, now=at(16)) == []


def test_a_message_from_the_person_ends_the_routine(alice, waiting):
    reply(waiting.contact, at(7))

    assert follow_up_for(owner=alice, conversation=waiting, now=at(16)) is None
    assert follow_ups(owner=alice, now=at(16)) == []


def test_a_message_from_before_the_request_is_not_a_reply(alice, waiting):
    reply(waiting.contact, MONDAY - timedelta(minutes=1))

    assert follow_up_for(owner=alice, conversation=waiting, now=at(16)).step == "nudge"


def test_a_reply_from_someone_else_there_stops_only_the_other_people(alice, waiting, colleague):
    reply(colleague, at(7))

    on_day_4 = follow_up_for(owner=alice, conversation=waiting, now=at(10))
    on_day_7 = follow_up_for(owner=alice, conversation=waiting, now=at(15))

    assert (on_day_4.step, on_day_4.others_at_organization) == ("wait", ())
    assert on_day_4.next_step_at == at(15)
    assert "Someone at Analytical Engines has replied" in on_day_4.reason
    assert (on_day_7.step, on_day_7.others_at_organization) == ("nudge", ())


def test_a_conversation_there_with_a_reply_stops_the_other_people(
    alice, waiting, colleague, organization
):
    person(alice, "Mary Somerville", organization)
    Conversation.objects.create(
        owner=alice, contact=colleague, state=State.SCHEDULED, replied_at=at(8)
    )

    follow_up = follow_up_for(owner=alice, conversation=waiting, now=at(10))

    assert (follow_up.step, follow_up.others_at_organization) == ("wait", ())


def test_a_reply_there_before_the_request_does_not_stop_anything(alice, waiting, colleague):
    reply(colleague, MONDAY - timedelta(days=1))

    follow_up = follow_up_for(owner=alice, conversation=waiting, now=at(10))

    assert (follow_up.step, follow_up.others_at_organization) == ("try_another", (colleague,))


def test_a_reply_from_another_organization_does_not_stop_anything(alice, waiting, colleague):
    elsewhere = Organization.objects.create(owner=alice, name="Difference Works")
    reply(person(alice, "Ida Rhodes", elsewhere), at(7))

    follow_up = follow_up_for(owner=alice, conversation=waiting, now=at(10))

    assert follow_up.others_at_organization == (colleague,)


# Who is offered.


def test_it_offers_only_people_not_yet_asked_who_may_be_contacted(alice, waiting, organization):
    pat = person(alice, "Pat Prospect", organization)
    paula = person(alice, "Paula Planned", organization)
    Conversation.objects.create(owner=alice, contact=paula, state=State.PLANNED)
    person(alice, "Dora Donotcontact", organization, do_not_contact=True)
    for name, state in [
        ("Sam Scheduled", State.SCHEDULED),
        ("Nora Noreply", State.NO_REPLY),
        ("Tess Thanked", State.THANKED),
        ("Dee Declined", State.DECLINED),
    ]:
        Conversation.objects.create(
            owner=alice, contact=person(alice, name, organization), state=state
        )
    person(alice, "Otto Elsewhere", Organization.objects.create(owner=alice, name="Elsewhere"))
    high = person(alice, "Zed Important", organization, priority=1)

    follow_up = follow_up_for(owner=alice, conversation=waiting, now=at(10))

    assert follow_up.others_at_organization == (high, pat, paula)


def test_two_waiting_requests_there_do_not_offer_each_other(alice, waiting, colleague):
    second = request(colleague, at(7))

    found = follow_ups(owner=alice, now=at(13))

    assert [f.conversation for f in found] == [waiting, second]
    assert [f.others_at_organization for f in found] == [(), ()]
    assert [f.step for f in found] == ["try_another", "try_another"]


# The list.


def test_it_lists_the_waiting_requests_oldest_first(alice, contact, colleague, organization):
    later = request(colleague, at(8))
    first = request(contact, MONDAY)
    Conversation.objects.create(owner=alice, contact=person(alice, "Pending"), state="planned")
    Conversation.objects.create(
        owner=alice, contact=person(alice, "Booked"), state="scheduled", requested_at=MONDAY
    )
    request(person(alice, "Closed"), MONDAY, state=State.NO_REPLY)

    found = follow_ups(owner=alice, now=at(16))

    assert [f.conversation for f in found] == [first, later]
    assert [f.step for f in found] == ["nudge", "try_another"]


def test_it_filters_by_step(alice, contact, colleague):
    request(contact, MONDAY)
    later = request(colleague, at(14))

    assert [f.conversation for f in follow_ups(owner=alice, now=at(16), steps={"wait"})] == [later]
    assert [f.step for f in follow_ups(owner=alice, now=at(16), steps=["nudge", "close"])] == [
        "nudge"
    ]
    assert follow_ups(owner=alice, now=at(16), steps=()) == []


def test_a_conversation_that_is_not_waiting_has_no_follow_up(alice, conversation):
    assert follow_up_for(owner=alice, conversation=conversation, now=at(16)) is None


def test_bob_sees_none_of_alices_requests(alice, bob, waiting, colleague):
    bobs_organization = Organization.objects.create(owner=bob, name="Analytical Engines")
    person(bob, "Bob's Colleague", bobs_organization)
    reply(person(bob, "Bob's Ada", bobs_organization), at(7))

    assert follow_ups(owner=bob, now=at(16)) == []
    assert follow_up_for(owner=bob, conversation=waiting, now=at(16)) is None
    follow_up = follow_up_for(owner=alice, conversation=waiting, now=at(10))
    assert follow_up.others_at_organization == (colleague,)


def test_it_uses_the_same_number_of_queries_for_3_or_30_requests(
    alice, django_assert_max_num_queries
):
    profile_get(owner=alice)

    def add_requests(first: int, count: int) -> None:
        for i in range(first, first + count):
            organization = Organization.objects.create(owner=alice, name=f"Org {i}")
            asked = person(alice, f"Asked {i}", organization)
            person(alice, f"Other {i}", organization)
            conversation = request(asked, MONDAY + timedelta(hours=i))
            if i % 3 == 1:
                nudge(asked, at(15, 10), conversation=conversation)
            if i % 3 == 2:
                reply(person(alice, f"Replier {i}", organization), at(7))

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            found = follow_ups(owner=alice, now=at(16))
            names = [
                (str(f.contact.organization), [p.name for p in f.others_at_organization])
                for f in found
            ]
        return len(captured), len(names)

    add_requests(0, 3)
    few, found_few = queries()
    add_requests(3, 27)
    with django_assert_max_num_queries(few):
        many, found_many = queries()

    assert (found_few, found_many) == (3, 30)
    assert many == few
    assert few <= 6


# The fragment.


@pytest.fixture
def render(rf):
    def render(follow_up) -> str:
        return render_to_string(
            "outreach/_follow_up.html", {"follow_up": follow_up}, request=rf.get("/")
        )

    return render


@pytest.mark.urls(__name__)
def test_the_fragment_lists_the_other_people(alice, waiting, colleague, render):
    html = render(follow_up_for(owner=alice, conversation=waiting, now=at(10)))

    assert "Try someone else at Analytical Engines while you wait." in html
    assert f'href="{colleague.get_absolute_url()}"' in html
    assert "Charles Babbage" in html
    assert "<form" not in html


@pytest.mark.urls(__name__)
def test_the_fragment_offers_to_write_the_nudge(alice, waiting, render):
    html = render(follow_up_for(owner=alice, conversation=waiting, now=at(16)))

    assert f'action="{reverse("outreach:compose", args=[waiting.contact.pk])}"' in html
    assert 'method="post"' in html
    assert "csrfmiddlewaretoken" in html
    assert 'name="template" value="nudge"' in html  # e-mail or LinkedIn, as they fit
    assert f'name="conversation" value="{waiting.pk}"' in html
    assert "Write the nudge" in html


@pytest.mark.urls(__name__)
def test_the_fragment_offers_to_close(alice, waiting, render):
    nudge(waiting.contact, at(15, 10), conversation=waiting)

    html = render(follow_up_for(owner=alice, conversation=waiting, now=at(27)))

    assert f'action="{reverse("outreach:close_no_reply", args=[waiting.pk])}"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Close as no reply" in html


@pytest.mark.urls(__name__)
def test_the_fragment_says_when_the_next_step_is_due(alice, contact, render):
    set_time_zone(alice, "Pacific/Auckland")
    conversation = request(contact, at(6, 13))

    html = render(follow_up_for(owner=alice, conversation=conversation, now=at(7, 13)))

    # Due Thursday 13:00 UTC, which is already Friday in Auckland.
    assert "Next step due" in html
    assert "Friday 10 May 2024" in html
    assert "<form" not in html


@pytest.mark.urls(__name__)
def test_the_fragment_escapes_names(alice, organization, render):
    organization.name = "<b>Engines</b>"
    organization.save()
    asked = person(alice, "Ada", organization)
    person(alice, "<script>x</script>", organization)
    conversation = request(asked)

    html = render(follow_up_for(owner=alice, conversation=conversation, now=at(10)))

    assert "<script>" not in html
    assert "<b>" not in html


# The next step, named.


@pytest.mark.parametrize(
    ("now", "step", "next_step"),
    [(at(8), "wait", "try_another"), (at(10), "try_another", "nudge"), (at(16), "nudge", None)],
)
def test_it_names_the_next_step(alice, waiting, colleague, now, step, next_step):
    follow_up = follow_up_for(owner=alice, conversation=waiting, now=now)

    assert (follow_up.step, follow_up.next_step) == (step, next_step)


def test_it_names_the_nudge_or_the_close_as_next(alice):
    conversation = request(person(alice, "Grace Hopper"))

    assert follow_up_for(owner=alice, conversation=conversation, now=at(8)).next_step == "nudge"
    nudge(conversation.contact, at(15, 10), conversation=conversation)
    assert follow_up_for(owner=alice, conversation=conversation, now=at(16)).next_step == "close"
    assert follow_up_for(owner=alice, conversation=conversation, now=at(27)).next_step is None
