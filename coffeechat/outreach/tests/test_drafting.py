import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts.services import profile_update
from coffeechat.contacts.models import Contact
from coffeechat.conversations.etiquette import DAY_OF_ETIQUETTE
from coffeechat.conversations.models import Conversation, State
from coffeechat.demo import demo_load
from coffeechat.lib.text import word_count
from coffeechat.outreach.delivery import eml_bytes, mailto_url
from coffeechat.outreach.drafting import (
    message_draft,
    message_draft_create,
    message_draft_save,
)
from coffeechat.outreach.lint import LINKEDIN_NOTE_LIMIT
from coffeechat.outreach.models import Message, Template
from coffeechat.outreach.template_fields import SLOTS, natural_list
from coffeechat.outreach.templating import BUILTINS

# What a user might write in each slot.
SLOT_VALUES = {
    "takeaway": "your advice to write up one fieldwork project as a case study",
    "article_title": "Maps people can act on",
    "article_link": "https://example.org/maps-people-can-act-on",
    "update": "I wrote up my flood-data fieldwork as a research case study",
    "their_news": "your new role leading the research team",
    "offer": "send you my notes from the flood-data workshop I ran in the spring",
    "moved_by": "me",
    "introduce_to": "Ines Carvalho at Tidewater Analytics",
    "introduce_why": "Her work testing flood maps with residents is close to what I hope to do",
}
WORD_LIMITS = {"request": 75, "nudge": 50}


@pytest.fixture
def demo(alice):
    demo_load(owner=alice)
    return {c.name: c for c in Contact.objects.owned_by(alice).select_related("referred_by")}


def _conversations(alice, contact):
    """A booked conversation and a held one, for the messages that need them."""
    booked = Conversation.objects.create(
        owner=alice,
        contact=contact,
        state=State.SCHEDULED,
        scheduled_for=timezone.now() + timedelta(days=1),
        length_minutes=30,
        format="video",
        place="https://meet.example/" + contact.first_name.lower(),
    )
    held = Conversation.objects.create(owner=alice, contact=contact, state=State.HELD)
    return booked, held


def _draft(alice, contact, slug, booked, held):
    builtin = BUILTINS[slug]
    conversation = {"thank_you": held, "confirmation": booked, "reschedule": booked}.get(
        builtin.kind
    )
    slots = {name: SLOT_VALUES[name] for name in builtin.slots}
    return message_draft(
        owner=alice, contact=contact, template=slug, conversation=conversation, slots=slots
    )


def _refusal(call) -> str:
    try:
        call()
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


# Every built-in, filled for every person in the demo network


def test_every_builtin_reads_well_for_every_demo_person(alice, demo):
    refused = {}
    for contact in demo.values():
        booked, held = _conversations(alice, contact)
        for slug, builtin in BUILTINS.items():
            reason = _refusal(lambda: _draft(alice, contact, slug, booked, held))  # noqa: B023
            if reason:
                refused[(contact.name, slug)] = reason
                continue
            draft = _draft(alice, contact, slug, booked, held)
            where = (contact.name, slug)
            problems = [f for f in draft.findings if f.severity in ("error", "warning")]
            assert not problems, (where, problems, draft.body)
            assert "\n\n\n" not in draft.body and draft.body == draft.body.strip(), where
            assert "{{" not in draft.body + draft.subject and "{%" not in draft.body, where
            assert "[" not in draft.body + draft.subject, where  # no gap left to fill
            assert "  " not in draft.body and " ." not in draft.body, where
            if builtin.kind in WORD_LIMITS and builtin.channel == "email":
                assert word_count(draft.body) <= WORD_LIMITS[builtin.kind], (where, draft.body)
            if builtin.channel == "linkedin":
                assert len(draft.body) <= LINKEDIN_NOTE_LIMIT, (where, len(draft.body))
                assert draft.subject == ""
            else:
                assert draft.subject, where
    # Nothing is written to the person marked do-not-contact, and the referral request only
    # goes to the two people whose referrers said their names may be used.
    assert {name for name, _ in refused if refused[(name, _)].endswith("write to them.")} == {
        "Victor Lindqvist"
    }
    referral = {name for name, slug in refused if slug.startswith("request_referral")}
    assert referral == set(demo) - {"Jonah Feld", "Ben Castellanos"}
    others = {
        key: reason
        for key, reason in refused.items()
        if key[0] != "Victor Lindqvist" and not key[1].startswith("request_referral")
    }
    assert others == {}


@pytest.mark.parametrize("sentence", ["", "I am a geography teacher moving into user research"])
def test_requests_use_the_pitch_in_one_sentence_when_there_is_one(alice, demo, sentence):
    profile_update(owner=alice, pitch_sentence=sentence)
    for contact in demo.values():
        if contact.do_not_contact:
            continue
        for family in ("request", "request_referral"):
            if family == "request_referral" and not contact.may_use_referrer_name:
                continue
            for channel in ("email", "linkedin"):
                slug = f"{family}_{channel}"
                draft = message_draft(owner=alice, contact=contact, template=slug)
                where = (contact.name, slug, sentence)
                assert not [f for f in draft.findings if f.severity != "tip"], where
                assert "  " not in draft.body and " ." not in draft.body, where
                assert "\n\n\n" not in draft.body and "!." not in draft.body, where
                if sentence:
                    assert f"{sentence}." in draft.body, where
                    assert "exploring climate adaptation" not in draft.body, where
                else:
                    assert "Jordan Ellery, exploring climate adaptation" in draft.body, where
                if channel == "email":
                    assert word_count(draft.body) <= WORD_LIMITS["request"], where
                else:
                    assert len(draft.body) <= LINKEDIN_NOTE_LIMIT, where


def test_the_day_before_reminder_carries_the_etiquette_for_the_user(alice, demo):
    booked, held = _conversations(alice, demo["Oliver Brennan"])
    draft = _draft(alice, demo["Oliver Brennan"], "reminder_email", booked, held)
    assert "a few minutes early" in draft.body and "keep to the time" in draft.body
    tips = " ".join(draft.tips)
    for habit in ("Dress", "few minutes early", "Listen more than you talk", "Keep to the time"):
        assert habit in tips
    assert draft.tips == DAY_OF_ETIQUETTE
    for habit in ("notes discreetly", "who else", "mention their name"):
        assert habit in tips


# Confidences


def _outputs(alice, draft) -> list[str]:
    """Everything of a draft that can leave coffeechat: subject, body, .eml, mailto: link."""
    message = message_draft_save(owner=alice, draft=draft)
    texts = [draft.subject, draft.body]
    if message.channel == "email":
        texts.append(eml_bytes(owner=alice, message=message).decode("utf-8", "replace"))
        texts.append(unquote(mailto_url(message)))
    return texts


def test_a_referrer_who_asked_not_to_be_named_appears_in_no_draft(alice, demo):
    leila, grace = demo["Leila Nasser"], demo["Grace Adeyemi"]
    assert leila.referred_by == grace and not leila.may_use_referrer_name
    assert "Grace Adeyemi" in leila.connection_note  # the private note that must stay private
    Template.objects.create(
        owner=alice,
        name="My own request",
        kind="request",
        subject="Hello from {{ my_name }}",
        body="Dear {{ full_name }}, {{ our_connection }} {{ why_them }} 20 minutes? Thanks!",
    )
    booked, held = _conversations(alice, leila)
    searched = refused = 0
    for key in [*BUILTINS, *(f"own:{t.pk}" for t in Template.objects.owned_by(alice))]:
        builtin = BUILTINS.get(key)
        kind = builtin.kind if builtin else "request"
        conversation = {"thank_you": held, "confirmation": booked, "reschedule": booked}.get(kind)
        slots = {name: SLOT_VALUES[name] for name in (builtin.slots if builtin else ())}
        for channel in ("email", "linkedin"):
            try:
                draft = message_draft(
                    owner=alice,
                    contact=leila,
                    template=key,
                    channel=channel,
                    conversation=conversation,
                    slots=slots,
                )
            except ValidationError as error:
                refused += 1
                assert "Grace" not in " ".join(error.messages)
                continue
            for text in _outputs(alice, draft):
                searched += 1
                assert not re.search(r"Grace|Adeyemi", text), (key, channel, text)
    assert searched > 40 and refused > 0


def test_a_name_written_into_a_message_field_by_mistake_is_refused(alice, demo):
    leila, before = demo["Leila Nasser"], Message.objects.count()
    leila.our_connection = "Grace suggested I write to you."
    leila.why_them = "Grace says your letters project is the one to learn from."
    leila.save()
    for template in ("request", "request_linkedin"):
        with pytest.raises(ValidationError) as caught:
            message_draft(owner=alice, contact=leila, template=template)
        assert "asked not to be named" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        message_draft(
            owner=alice,
            contact=leila,
            template="keep_in_touch",
            slots={"update": "I spoke to Adeyemi's team as you suggested"},
        )
    assert Message.objects.count() == before


def test_private_notes_never_reach_a_message(alice, demo):
    for name in ("Hannah Osei", "Jonah Feld", "Ines Carvalho"):
        contact = demo[name]
        for template in ("request", "request_linkedin", "nudge"):
            draft = message_draft(owner=alice, contact=contact, template=template)
            for note in (contact.connection_note, contact.their_work, contact.research_notes):
                if note:
                    assert note.rstrip(".") not in draft.body, (name, template)


# Choosing the template


def test_it_chooses_the_referral_request_when_the_name_may_be_used(alice, demo):
    assert message_draft(
        owner=alice, contact=demo["Jonah Feld"], template="request"
    ).template.key == ("builtin:request_referral_email")
    leila = message_draft(owner=alice, contact=demo["Leila Nasser"], template="request")
    assert leila.template.key == "builtin:request_email"


def test_it_chooses_linkedin_without_an_email_or_when_asked(alice, demo):
    hannah = demo["Hannah Osei"]
    asked = message_draft(owner=alice, contact=hannah, template="nudge", channel="linkedin")
    assert asked.template.key == "builtin:nudge_linkedin"
    hannah.email = ""
    hannah.save()
    for kind in ("request", "nudge", "keep_in_touch"):
        slots = {"update": "I ran a small study"} if kind == "keep_in_touch" else {}
        draft = message_draft(owner=alice, contact=hannah, template=kind, slots=slots)
        assert draft.channel == "linkedin", kind


def test_it_always_uses_the_users_version_of_a_builtin(alice, demo):
    mine = Template.objects.create(
        owner=alice,
        name="My nudge",
        kind="nudge",
        channel="linkedin",
        body="Hi {{ first_name }}, still keen on 20 minutes of advice. Thank you!",
        builtin_key="nudge_linkedin",
    )
    hannah = demo["Hannah Osei"]
    for template in ("nudge_linkedin", "builtin:nudge_linkedin", f"own:{mine.pk}"):
        draft = message_draft(owner=alice, contact=hannah, template=template)
        assert draft.template.key == f"own:{mine.pk}", template
    draft = message_draft(owner=alice, contact=hannah, template="nudge", channel="linkedin")
    assert draft.body == "Hi Hannah, still keen on 20 minutes of advice. Thank you!"


def test_a_thank_you_follows_a_held_conversation_found_for_you(alice, demo):
    sofia = demo["Sofia Marchetti"]  # held, not yet thanked, in the demo
    message = message_draft_create(
        owner=alice, contact=sofia, template="thank_you", takeaway="your tip on portfolios."
    )
    assert message.conversation.state == State.HELD
    assert "in particular: your tip on portfolios." in message.body
    with pytest.raises(ValidationError, match="already thanked Marcus Webb"):
        message_draft(owner=alice, contact=demo["Marcus Webb"], template="thank_you", takeaway="x")
    with pytest.raises(ValidationError, match="only follow a conversation that was held"):
        message_draft(owner=alice, contact=demo["Chloé Martin"], template="thank_you", takeaway="x")


def test_it_refuses_another_users_contact(alice, bob, contact):
    with pytest.raises(PermissionError):
        message_draft(owner=bob, contact=contact, template="request")


def test_a_retired_field_in_an_own_template_is_explained(alice, contact):
    with pytest.raises(ValidationError) as caught:
        Template.objects.create(owner=alice, name="Old", kind="request", body="{{ their_work }}")
        own = Template.objects.get()
        message_draft(owner=alice, contact=contact, template=f"own:{own.pk}")
    assert "{{ their_work }} was a private note" in " ".join(caught.value.messages)
    assert "{{ why_them }}" in " ".join(caught.value.messages)


@pytest.mark.parametrize(
    ("slots", "shown"),
    [
        ({"article_title": "Maps"}, "This message needs the article's link"),
        ({"article_title": "Maps", "article_link": "maps"}, "starting with https://"),
        ({"article_title": "  ", "article_link": "https://x.example"}, "article's title"),
    ],
)
def test_an_empty_or_bad_slot_is_an_error(alice, contact, slots, shown):
    with pytest.raises(ValidationError, match=re.escape(shown)):
        message_draft(owner=alice, contact=contact, template="keep_in_touch_article", slots=slots)


def test_the_slots_are_named_for_the_linter():
    assert set(SLOTS) >= {"takeaway", "article_title", "article_link", "update", "their_news"}
    assert BUILTINS["keep_in_touch_congratulations_linkedin"].slots == ("their_news",)


# Words that read naturally mid-sentence


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (
            "Climate adaptation, public services, energy",
            "climate adaptation, public services and energy",
        ),
        ("Climate adaptation", "climate adaptation"),
        ("UX research; NHS services", "UX research and NHS services"),
        ("Energy, Transport, Health", "energy, transport and health"),
        ("design, London's museums and GitHub tools", "design, London's museums and GitHub tools"),
        ("Service design\nresearch operations\n", "service design and research operations"),
        ("", ""),
    ],
)
def test_interests_read_naturally_mid_sentence(typed, read):
    assert natural_list(typed) == read


# Cautions about whom a message goes to


def test_a_request_without_any_research_comes_with_a_caution(alice, contact):
    draft = message_draft(owner=alice, contact=contact, template="request")
    assert any("no research on Ada Lovelace or Analytical Engines" in c for c in draft.cautions)
    contact.organization.research_notes = "Builds engines; a new model this year."
    contact.organization.save()
    draft = message_draft(owner=alice, contact=contact, template="request")
    assert draft.cautions == ()
    assert message_draft(owner=alice, contact=contact, template="nudge").cautions == ()


def test_a_co_worker_comes_with_a_caution_by_source_alone(alice, contact):
    contact.source = "co_worker"
    contact.organization.research_notes = "Known well."
    contact.organization.save()
    draft = message_draft(owner=alice, contact=contact, template="nudge")
    assert draft.cautions and "co-worker" in draft.cautions[0]


def test_the_editor_shows_the_cautions(alice, alice_client, contact):
    message = message_draft_create(owner=alice, contact=contact, template="request")
    page = alice_client.get(reverse("outreach:message_edit", args=[message.pk])).text
    assert "You have noted no research on Ada Lovelace" in page


def test_one_item_of_the_research_checklist_clears_the_caution(alice, contact):
    contact.research_done = ["profile"]
    contact.save()
    assert message_draft(owner=alice, contact=contact, template="request").cautions == ()


def test_typing_the_referrers_name_is_an_error_and_it_is_not_sent(alice, demo, settings):
    from coffeechat.outreach import services

    settings.EMAIL_HOST = "127.0.0.1"
    settings.DEFAULT_FROM_EMAIL = "jordan@example.org"
    leila = demo["Leila Nasser"]
    message = message_draft_create(owner=alice, contact=leila, template="request")
    body = message.body.replace("Dear Leila,", "Dear Leila, Grace Adeyemi mentioned you.")
    findings = services.message_lint(owner=alice, message=message, body=body)
    assert findings[0].code == "named-referrer" and findings[0].severity == "error"
    assert body[findings[0].start : findings[0].end] == "Adeyemi"
    services.message_update(owner=alice, message=message, subject=message.subject, body=body)
    with pytest.raises(ValidationError, match="asked not to be named to Leila Nasser"):
        services.message_send(owner=alice, message=message)
    message.refresh_from_db()
    assert message.status == "draft"
