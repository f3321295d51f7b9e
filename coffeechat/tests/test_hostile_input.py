"""Values that once answered 500 from a page: each is refused now, and nothing is written.

They run on SQLite and, with --postgres, on PostgreSQL, which refuses a NUL in any text
(SQLite stores it), so the NUL cases matter most there.
"""

from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.apps import apps
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts.services import local_user_get_or_create, profile_get
from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.cli import main
from coffeechat.contacts.services import contact_create
from coffeechat.conversations.models import ChosenQuestion, Question, State, Takeaway
from coffeechat.outreach.models import Message, Template

NUL = "a\x00b"


def _rows(user) -> dict:
    """Everything of the user's, to show that a refused request wrote nothing."""
    profile_get(owner=user)  # made on the first request to any page
    owned = [m for m in apps.get_models() if any(f.name == "owner" for f in m._meta.fields)]
    return {m._meta.label: list(m._default_manager.filter(owner=user).values()) for m in owned}


def _flash(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def held(conversation):
    conversation.state = State.HELD
    conversation.scheduled_for = timezone.now() - timedelta(days=1)
    conversation.save()
    return conversation


@pytest.fixture
def own_question(alice):
    return Question.objects.create(owner=alice, category="advice", text="What would you do?")


def test_it_refuses_a_question_key_with_a_digit_int_cannot_read(
    alice_client, alice, conversation, own_question
):
    url = reverse("conversations:question_add", args=[conversation.pk])
    response = alice_client.post(url, {"key": "own:²"})
    assert response.status_code == 302
    assert "Enter a whole number" in _flash(response)
    assert not ChosenQuestion.objects.exists()
    # The real key still works.
    alice_client.post(url, {"key": f"own:{own_question.pk}"})
    assert ChosenQuestion.objects.get().text == own_question.text


@pytest.mark.parametrize("data", [{"template": "own:²"}, {"template": "own:٣"}])
def test_it_refuses_a_template_key_with_a_digit_int_cannot_read(alice_client, contact, data):
    Template.objects.create(owner=contact.owner, name="Mine", kind="request", body="Hi")
    response = alice_client.post(reverse("outreach:compose", args=[contact.pk]), data)
    assert response.status_code == 200
    assert "There is no template" in _flash(response)
    assert not Message.objects.exists()


@pytest.mark.parametrize("conversation_value", ["abc", "²", "9" * 30, NUL, "-1"])
def test_it_refuses_a_conversation_that_is_not_an_id_on_compose(
    alice_client, contact, conversation, conversation_value
):
    response = alice_client.post(
        reverse("outreach:compose", args=[contact.pk]),
        {"template": "builtin:request_email", "conversation": conversation_value},
    )
    assert response.status_code == 200
    assert _flash(response).startswith("conversation: "), _flash(response)
    assert not Message.objects.exists()


def test_it_carries_only_a_valid_conversation_from_the_query_to_the_compose_form(
    alice_client, contact, conversation
):
    url = reverse("outreach:compose", args=[contact.pk])
    good = alice_client.get(url, {"conversation": conversation.pk})
    assert f'name="conversation" value="{conversation.pk}"' in good.text
    bad = alice_client.get(url, {"conversation": "²", "kind": NUL})
    assert bad.status_code == 200
    assert 'name="conversation"' not in bad.text


@pytest.mark.django_db
def test_it_refuses_a_draft_from_a_template_key_with_a_superscript_digit():
    me = local_user_get_or_create()
    contact_create(owner=me, name="Ada Lovelace", email="ada@example.com")
    result = CliRunner().invoke(main, ["draft", "ada", "--template", "own:²"])
    assert result.exit_code == 1, result.output
    assert "There is no template" in result.output
    assert not Message.objects.exists()


@pytest.mark.parametrize("value", ["²", "٣", "9" * 30, NUL, "0"])
def test_it_answers_404_to_a_takeaway_that_is_not_an_id(alice_client, alice, held, value):
    before = _rows(alice)
    response = alice_client.post(
        reverse("conversations:thank_you", args=[held.pk]), {"takeaway": value}
    )
    assert response.status_code == 404
    assert _rows(alice) == before


def test_it_still_thanks_with_a_chosen_takeaway(alice_client, alice, held):
    takeaway = Takeaway.objects.create(owner=alice, conversation=held, kind="gap", text="SQL")
    response = alice_client.post(
        reverse("conversations:thank_you", args=[held.pk]), {"takeaway": str(takeaway.pk)}
    )
    assert response.status_code == 302
    assert "SQL" in Message.objects.get(kind="thank_you").body


@pytest.mark.parametrize(
    ("day", "at", "zone"),
    [
        ("9999-12-31", "23:50", "UTC"),
        ("9999-12-31", "23:50", "Etc/GMT+12"),
        ("0001-01-01", "00:10", "Etc/GMT-14"),
    ],
)
def test_it_refuses_a_booking_outside_the_years_coffeechat_handles(
    alice_client, alice, conversation, day, at, zone
):
    before = _rows(alice)
    response = alice_client.post(
        reverse("conversations:schedule", args=[conversation.pk]),
        {
            "date": day,
            "time": at,
            "time_zone": zone,
            "length_minutes": "20",
            "format": "video",
            "place": "",
            "reason": "",
        },
    )
    assert response.status_code == 200
    assert "Choose a date between 1900 and 2200." in response.text
    assert _rows(alice) == before


def test_it_refuses_a_snooze_until_the_year_9999(alice_client, alice, contact):
    from coffeechat.agenda.rules import agenda

    items = agenda(owner=alice, now=timezone.now()).items
    if not items:
        pytest.skip("nothing on the agenda to snooze")
    response = alice_client.post(
        reverse("agenda:snooze"), {"key": items[0].key, "until": "9999-12-31"}
    )
    assert response.status_code == 302
    assert "Choose a date between 1900 and 2200." in _flash(response)
    assert not AgendaMark.objects.exists()


# Where a view read request.POST or request.GET itself, a NUL reached the database.
NUL_CASES = [
    ("agenda:snooze", None, {"key": NUL, "days": "1"}),
    ("agenda:dismiss", None, {"key": NUL}),
    ("agenda:restore", None, {"key": NUL}),
    ("agenda:digest_toggle", None, {"digest": NUL}),
    ("accounts:pitch_timing", None, {"pitch": NUL}),
    ("conversations:question_add", "conversation", {"text": NUL, "category": "advice"}),
    ("conversations:question_add", "conversation", {"key": NUL}),
    ("conversations:question_bank", None, {"text": NUL, "category": NUL}),
    ("conversations:question_lint", None, {"text": NUL}),
    ("conversations:question_move", "chosen", {"direction": NUL}),
    ("conversations:cancel", "conversation", {"reason": NUL}),
    ("conversations:takeaway_status", "takeaway", {"status": NUL, "next": NUL}),
    ("conversations:takeaway_add", "conversation", {"kind": "gap", "text": NUL}),
    ("conversations:notes", "conversation", {"notes": NUL}),
    ("outreach:compose", "contact", {"template": NUL}),
    ("outreach:message_edit", "message", {"subject": NUL, "body": "Hi"}),
    ("outreach:message_edit", "message", {"subject": "Hi", "body": NUL}),
    ("outreach:message_lint", "message", {"subject": NUL, "body": NUL}),
    ("outreach:log_reply", "contact", {"outcome": "accepted", "body": NUL}),
    ("outreach:template_preview", None, {"subject": NUL, "body": NUL, "channel": "email"}),
    ("portability:import", None, {"action": "confirm", "token": NUL}),
    ("contacts:contact_create", None, {"name": NUL, "source": "cold", "priority": "2"}),
]
NUL_QUERIES = [
    ("contacts:contact_list", None, {"q": NUL, "page": NUL}),
    ("contacts:organization_list", None, {"q": NUL, "page": "²"}),
    ("contacts:coworker_check", None, {"organization_name": NUL}),
    ("contacts:contact_create", None, {"organization_name": NUL}),
    ("outreach:compose", "contact", {"kind": NUL, "conversation": NUL}),
    ("outreach:template_create", None, {"kind": NUL}),
    ("agenda:today", None, {"all": NUL}),
]


@pytest.fixture
def objects(alice, contact, conversation):
    chosen = ChosenQuestion.objects.create(
        owner=alice, conversation=conversation, category="advice", text="What surprised you?"
    )
    message = Message.objects.create(owner=alice, contact=contact, kind="request", body="Hi")
    takeaway = Takeaway.objects.create(owner=alice, conversation=conversation, kind="gap", text="x")
    AgendaMark.objects.create(owner=alice, item_key="a", action=MarkAction.DISMISS)
    profile_get(owner=alice)
    return {
        "contact": [contact.pk],
        "conversation": [conversation.pk],
        "chosen": [conversation.pk, chosen.pk],
        "message": [message.pk],
        "takeaway": [takeaway.pk],
        None: [],
    }


@pytest.mark.parametrize(("name", "target", "data"), NUL_CASES)
def test_it_refuses_a_nul_in_a_posted_field(alice_client, alice, objects, name, target, data):
    before = _rows(alice)
    response = alice_client.post(reverse(name, args=objects[target]), data)
    assert response.status_code < 500
    assert _rows(alice) == before


@pytest.mark.parametrize(("name", "target", "data"), NUL_QUERIES)
def test_it_ignores_a_nul_in_the_query_string(alice_client, alice, objects, name, target, data):
    before = _rows(alice)
    response = alice_client.get(reverse(name, args=objects[target]), data)
    assert response.status_code == 200
    assert _rows(alice) == before


def test_it_refuses_a_search_too_long_for_the_database(alice_client, contact):
    # SQLite refuses a LIKE pattern this long; the form caps a search first and says so.
    response = alice_client.get(reverse("contacts:contact_list"), {"q": "x" * 100_000})
    assert response.status_code == 200
    assert "Keep this to 200 characters (it has 100,000)." in response.text


def test_it_goes_back_only_to_a_path_of_this_site(alice_client, alice, conversation):
    takeaway = Takeaway.objects.create(owner=alice, conversation=conversation, kind="gap", text="x")
    url = reverse("conversations:takeaway_status", args=[takeaway.pk])
    default = reverse("conversations:conversation_detail", args=[conversation.pk]) + "#takeaways"
    for target in ("²", "home", "https://evil.example/", NUL):
        response = alice_client.post(url, {"status": "done", "next": target})
        assert response.status_code == 302
        assert response["Location"] == default
    response = alice_client.post(url, {"status": "open", "next": "/contacts/"})
    assert response["Location"] == "/contacts/"
