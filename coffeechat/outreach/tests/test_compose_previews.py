"""The compose page: each template offered shows the draft filled for this person, with what
the etiquette check finds in it, and never the template's own syntax."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import Conversation, State
from coffeechat.demo import demo_load
from coffeechat.outreach.drafting import message_draft
from coffeechat.outreach.models import Message, Template
from coffeechat.outreach.previews import draft_previews
from coffeechat.outreach.templating import templates_for

pytestmark = pytest.mark.django_db


def _compose(client, contact, **query) -> str:
    response = client.get(reverse("outreach:compose", args=[contact.pk]), query)
    assert response.status_code == 200
    return response.text


def test_it_shows_each_draft_filled_for_the_person_not_the_template(alice_client, contact):
    contact.why_them = "Your talk on engines stayed with me."
    contact.save()
    page = _compose(alice_client, contact, kind="request")
    assert "{{" not in page and "{%" not in page
    assert "Dear Ada," in page
    assert html.escape("Your talk on engines stayed with me.") in page


def test_it_shows_what_the_etiquette_check_finds_in_each_draft(alice, alice_client, contact):
    page = _compose(alice_client, contact, kind="request")
    draft = message_draft(owner=alice, contact=contact, template="builtin:request_email")
    assert draft.findings  # an unwritten "why them" leaves a gap the check names
    for finding in draft.findings:
        assert html.escape(finding.message) in page
    assert "named-referrer" not in page and "placeholder" not in page  # no rule codes


def test_a_slot_not_written_yet_shows_as_a_gap(alice_client, contact):
    page = _compose(alice_client, contact, kind="keep_in_touch")
    assert "[your update]" in page
    assert 'name="update"' in page  # and the field to write it in


def test_a_template_that_cannot_be_used_now_says_why(alice_client, contact):
    page = _compose(alice_client, contact, kind="thank_you")
    assert "Not for now (2)" in page
    assert "A thank-you can only follow a conversation that was held." in page
    assert 'value="builtin:thank_you_email"' not in page  # nothing to press


def test_the_conversation_chosen_fills_the_draft(alice, alice_client, contact):
    booked = Conversation.objects.create(
        owner=alice,
        contact=contact,
        state=State.SCHEDULED,
        scheduled_for=timezone.now() + timedelta(days=2),
        place="https://meet.example/ada",
    )
    page = _compose(alice_client, contact, kind="confirmation", conversation=booked.pk)
    assert "https://meet.example/ada" in page
    assert "Not for now" not in page


def test_the_badges_read_as_words(alice_client, contact):
    page = _compose(alice_client, contact)
    assert '<span class="badge">Keep in touch</span>' in page
    assert '<span class="badge">LinkedIn</span>' in page
    assert '<span class="badge">Thank-you</span>' in page
    assert '<span class="badge">E-mail</span>' in page
    for mangled in ("Keepintouch", "Keep_in_touch", ">Linkedin<", ">Thank_you<", ">Email<"):
        assert mangled not in page


def test_opening_the_page_writes_nothing(alice, alice_client, contact):
    _compose(alice_client, contact)
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()


def test_a_stranger_gets_404_for_the_page_and_a_conversation(alice, bob, client, contact):
    client.force_login(bob)
    assert client.get(reverse("outreach:compose", args=[contact.pk])).status_code == 404
    mine = Contact.objects.create(owner=bob, name="Bob's friend", email="f@example.com")
    theirs = Conversation.objects.create(owner=alice, contact=contact)
    url = reverse("outreach:compose", args=[mine.pk])
    assert client.get(url, {"conversation": theirs.pk}).status_code == 404


# A referrer who asked not to be named


@pytest.fixture
def leila(alice):
    demo_load(owner=alice)
    leila = Contact.objects.select_related("referred_by").get(owner=alice, name="Leila Nasser")
    assert leila.referred_by.name == "Grace Adeyemi" and not leila.may_use_referrer_name
    return leila


def _referrer_names(contact) -> list[str]:
    referrer = contact.referred_by
    return [referrer.name, referrer.first_name, referrer.last_name]


def test_a_referrer_who_asked_not_to_be_named_is_in_no_preview(alice, alice_client, leila):
    Template.objects.create(
        owner=alice,
        name="My own request",
        kind="request",
        subject="Hello from {{ my_name }}",
        body="Dear {{ full_name }}, {{ our_connection }} {{ why_them }} 20 minutes? Thanks!",
    )
    page = _compose(alice_client, leila)
    assert page.count('class="draft-preview"') >= 10
    for name in _referrer_names(leila):
        assert name not in page


def test_a_preview_refuses_rather_than_show_a_referrer_typed_on_their_page(
    alice, alice_client, leila
):
    leila.our_connection = "Grace Adeyemi suggested I write to you."
    leila.save()
    page = _compose(alice_client, leila, kind="request")
    for name in _referrer_names(leila):
        assert name not in page
    assert "names the person who referred them, who asked not to be named" in page
    previews = draft_previews(
        owner=alice,
        contact=leila,
        choices=templates_for(owner=alice, contact=leila, kind="request"),
    )
    assert any(p.draft is None for p in previews)
    for preview in previews:
        if preview.draft is not None:
            text = f"{preview.draft.subject} {preview.draft.body}"
            assert not any(name in text for name in _referrer_names(leila))
