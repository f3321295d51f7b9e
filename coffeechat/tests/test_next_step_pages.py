"""Each state of the next-step table, reached through the services, shows its one primary
action on the person's page and the conversation's page, and Today's items use the same
words and links."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts.services import profile_update
from coffeechat.conversations.models import ChosenQuestion, State, TakeawayKind
from coffeechat.conversations.next_step import ACTIONS, TABLE
from coffeechat.conversations.scheduling import (
    conversation_cancel,
    conversation_mark_held,
    conversation_mark_no_show,
    conversation_schedule,
)
from coffeechat.conversations.services import conversation_transition
from coffeechat.conversations.takeaways import takeaway_add
from coffeechat.outreach.drafting import message_draft_create
from coffeechat.outreach.selectors import next_step_for
from coffeechat.outreach.services import message_mark_sent, reply_log


def _requested(owner, contact):
    message_mark_sent(
        owner=owner, message=message_draft_create(owner=owner, contact=contact, template="request")
    )
    return contact.conversations.get()


def _booked(owner, contact, *, days=3):
    conversation = _requested(owner, contact)
    reply_log(owner=owner, contact=contact, outcome="accepted")
    return conversation_schedule(
        owner=owner,
        conversation=conversation,
        start=timezone.now() + timedelta(days=days),
        time_zone="Europe/Berlin",
        length_minutes=20,
        format="video",
    )


def _passed(owner, contact):
    conversation = _booked(owner, contact)
    # Time passes: the request went out days ago, the booked hour has just gone.
    conversation.requested_at = timezone.now() - timedelta(days=5)
    conversation.scheduled_for = timezone.now() - timedelta(hours=1)
    conversation.save()
    return conversation


def _held(owner, contact):
    return conversation_mark_held(owner=owner, conversation=_passed(owner, contact))


def _thanked(owner, contact, *, referral=False):
    conversation = _held(owner, contact)
    if referral:
        takeaway_add(
            owner=owner,
            conversation=conversation,
            kind=TakeawayKind.REFERRAL,
            text="Talk to Grace about compilers",
            referral_name="Grace Hopper",
        )
    draft = message_draft_create(
        owner=owner,
        contact=contact,
        template="thank_you",
        conversation=conversation,
        takeaway="your advice on a portfolio",
    )
    message_mark_sent(owner=owner, message=draft)
    return conversation


def _prepared(owner, contact):
    conversation = _booked(owner, contact)
    contact.research_notes = "Wrote the first program."
    contact.save()
    profile_update(owner=owner, pitch="I build data tools and want to learn about analysis.")
    for i in range(3):
        ChosenQuestion.objects.create(
            owner=owner, conversation=conversation, category="advice", text=f"Question {i}?"
        )
    return conversation


def _do_not_contact(owner, contact):
    contact.do_not_contact = True
    contact.save()


BUILD = {
    "do_not_contact": _do_not_contact,
    "prospect": lambda owner, contact: None,
    "request_draft": lambda owner, contact: message_draft_create(
        owner=owner, contact=contact, template="request"
    ),
    "awaiting_reply": _requested,
    "replied": lambda owner, contact: (
        _requested(owner, contact),
        reply_log(owner=owner, contact=contact, outcome="accepted"),
    ),
    "booked": _booked,
    "prepared": _prepared,
    "time_passed": _passed,
    "missed": lambda owner, contact: conversation_mark_no_show(
        owner=owner, conversation=_passed(owner, contact)
    ),
    "held": _held,
    "thank_you_draft": lambda owner, contact: message_draft_create(
        owner=owner,
        contact=contact,
        template="thank_you",
        conversation=_held(owner, contact),
        takeaway="your advice on a portfolio",
    ),
    "thanked_referrals": lambda owner, contact: _thanked(owner, contact, referral=True),
    "thanked": _thanked,
    "cancelled": lambda owner, contact: conversation_cancel(
        owner=owner, conversation=_booked(owner, contact)
    ),
    "closed": lambda owner, contact: conversation_transition(
        owner=owner, conversation=_requested(owner, contact), to=State.DECLINED
    ),
}


def test_every_state_of_the_table_is_built_here():
    assert set(BUILD) == set(TABLE)


def _primary_buttons(page: str) -> list[tuple[str, str, str]]:
    """(state, url, label) of each primary next-step button on a page."""
    found = []
    for match in re.finditer(
        r'<a class="button" href="([^"]*)" data-next-step="([^"]*)">(.*?)</a>'
        r'|<form method="post" action="([^"]*)">.*?<button type="submit" '
        r'data-next-step="([^"]*)">(.*?)</button>',
        page,
        re.S,
    ):
        url, state, label = (
            (match[1], match[2], match[3]) if match[1] else (match[4], match[5], match[6])
        )
        found.append((state, html.unescape(url), re.sub(r"<svg.*?</svg>", "", label, flags=re.S)))
    return found


@pytest.mark.parametrize("state", list(TABLE))
def test_each_state_shows_its_primary_action_on_the_person_and_conversation_pages(
    alice, alice_client, contact, state
):
    BUILD[state](alice, contact)
    step = next_step_for(owner=alice, contact=contact)
    assert step.state == state
    expected = (state, step.primary.url, ACTIONS[TABLE[state].primary].label)

    person = alice_client.get(reverse("contacts:contact_detail", args=[contact.pk]))
    assert _primary_buttons(person.text) == [expected]

    conversation = contact.conversations.order_by("-created_at").first()
    if conversation is not None:
        page = alice_client.get(
            reverse("conversations:conversation_detail", args=[conversation.pk])
        )
        assert _primary_buttons(page.text) == [expected]


def test_after_a_yes_the_person_page_offers_to_book_a_time(alice, alice_client, contact):
    conversation = _requested(alice, contact)
    alice_client.post(reverse("outreach:log_reply", args=[contact.pk]), {"outcome": "accepted"})
    person = alice_client.get(reverse("contacts:contact_detail", args=[contact.pk]))
    [(state, url, label)] = _primary_buttons(person.text)
    assert (state, url, label) == (
        "replied",
        reverse("conversations:schedule", args=[conversation.pk]),
        "Book a time",
    )


def test_after_the_thank_you_the_person_page_does_not_ask_again(alice, alice_client, contact):
    _thanked(alice, contact)
    person = alice_client.get(reverse("contacts:contact_detail", args=[contact.pk]))
    [(state, _, label)] = _primary_buttons(person.text)
    assert (state, label) == ("thanked", "Write a keep-in-touch note")
    assert "Write a request" not in person.text


def test_today_uses_the_same_words_and_links(alice, alice_client, contact):
    replied = _requested(alice, contact)
    reply_log(owner=alice, contact=contact, outcome="accepted")
    today = alice_client.get(reverse("agenda:today")).text
    assert f'href="{reverse("conversations:schedule", args=[replied.pk])}"' in today
    step = next_step_for(owner=alice, contact=contact)
    assert step.primary.label in today


def test_a_stranger_gets_404_from_write(bob, client, contact):
    client.force_login(bob)
    response = client.get(reverse("outreach:write", args=[contact.pk]), {"kind": "request"})
    assert response.status_code == 404
