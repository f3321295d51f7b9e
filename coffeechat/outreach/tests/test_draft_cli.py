import email
import email.policy
import json

import pytest
from click.testing import CliRunner

from coffeechat.accounts.services import local_user_get_or_create, profile_update
from coffeechat.cli import main
from coffeechat.contacts.services import contact_create
from coffeechat.conversations.models import Conversation, State
from coffeechat.outreach.models import Message, Template

pytestmark = pytest.mark.django_db


@pytest.fixture
def me():
    user = local_user_get_or_create()
    profile_update(owner=user, display_name="Jordan Ellery", goal_fields="Service design")
    return user


@pytest.fixture
def ada(me):
    return contact_create(
        owner=me,
        name="Ada Lovelace",
        email="ada@example.com",
        why_them="your notes on the Engine are why I am writing",
    )


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_it_drafts_a_request_and_writes_an_eml(ada, tmp_path):
    path = tmp_path / "ada.eml"
    result = run("draft", "ada", "--template", "request", "--eml", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Subject: ")
    assert "Your notes on the Engine are why I am writing." in result.output
    assert f"Wrote {path}." in result.output
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "Ada Lovelace <ada@example.com>"
    assert Message.objects.get().status == "draft"


def test_it_prints_the_draft_as_json(ada):
    result = run("draft", "Ada", "--template", "request", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"subject", "body", "template", "channel", "findings"}
    assert (data["template"], data["channel"]) == ("builtin:request_email", "email")
    assert data["body"] == Message.objects.get().body
    for finding in data["findings"]:
        assert set(finding) == {"rule", "severity", "message"}


def test_it_writes_a_linkedin_note_for_someone_without_email(me):
    contact_create(owner=me, name="Grace Hopper", why_them="your compiler work inspires me")
    result = run("draft", "Grace Hopper", "--template", "request")
    assert result.exit_code == 0, result.output
    assert not result.output.startswith("Subject:")
    assert Message.objects.get().channel == "linkedin"


def test_it_writes_linkedin_when_asked(ada):
    result = run("draft", "Ada", "--template", "request", "--channel", "linkedin", "--json")
    assert result.exit_code == 0, result.output
    assert Message.objects.get().channel == "linkedin"


def test_it_takes_a_template_key(ada):
    result = run("draft", "Ada", "--template", "request_linkedin")
    assert result.exit_code == 0, result.output
    assert Message.objects.get().channel == "linkedin"


def test_a_builtins_key_gives_the_users_version(me, ada):
    Template.objects.create(
        owner=me,
        name="My request",
        kind="request",
        subject="Hello",
        body="Dear {{ first_name }}, 20 minutes? Thank you.",
        builtin_key="request_email",
    )
    for template in ("request_email", "builtin:request_email", "request"):
        result = run("draft", "Ada", "--template", template)
        assert result.exit_code == 0, result.output
        assert "Dear Ada, 20 minutes? Thank you." in result.output, template


def test_a_request_names_the_referrer_who_allowed_it(me, ada):
    contact_create(
        owner=me,
        name="Bea Smith",
        email="bea@example.com",
        referred_by=ada,
        may_use_referrer_name=True,
    )
    result = run("draft", "Bea", "--template", "request", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["template"] == "builtin:request_referral_email"
    assert data["subject"] == "Ada Lovelace suggested I contact you"
    assert data["body"].split("\n\n")[1].startswith("Ada Lovelace suggested I contact you")


def test_it_fills_a_keep_in_touch_slot(ada):
    result = run(
        "draft",
        "Ada",
        "--template",
        "keep_in_touch",
        "--slot",
        "their_news=your new post at the Royal Society",
    )
    assert result.exit_code == 0, result.output
    assert "Congratulations on your new post at the Royal Society!" in result.output


def test_it_gives_the_day_of_etiquette_with_a_reminder(me, ada):
    from datetime import timedelta

    from django.utils import timezone

    Conversation.objects.create(
        owner=me,
        contact=ada,
        state=State.SCHEDULED,
        scheduled_for=timezone.now() + timedelta(days=1),
        place="https://meet.example/ada",
    )
    result = run("draft", "Ada", "--template", "reminder")
    assert result.exit_code == 0, result.output
    assert "Before you go: Listen more than you talk" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Nobody", "--template", "request"], "No contact matches “Nobody”."),
        (
            ["a", "--template", "request"],
            "“a” matches several contacts (Ada Lovelace, Alan Turing…)",
        ),
        (
            ["Ada Lovelace", "--template", "banana"],
            "There is no template or kind of message “banana”.",
        ),
        (["Ada", "--template", "keep_in_touch_update"], "This message needs your update"),
        (
            ["Ada", "--template", "keep_in_touch_update", "--slot", "update="],
            "This message needs your update",
        ),
        (["Ada", "--template", "nudge", "--slot", "mood=happy"], "There is no slot “mood”"),
        (["Ada", "--template", "nudge", "--slot", "mood"], "Give a slot as NAME=VALUE"),
        (["Ada", "--template", "request_referral"], "but nobody referred them"),
        (["Ada", "--template", "thank_you"], "can only follow a conversation that was held"),
        (["Ada", "--template", "confirmation"], "Book a time with Ada Lovelace first"),
        (["Alan", "--template", "request_email"], "Alan Turing has no e-mail address"),
        (
            ["Ada", "--template", "request_linkedin", "--channel", "email"],
            "is written for LinkedIn, not E-mail",
        ),
        (
            ["Ada", "--template", "request", "--channel", "linkedin", "--eml", "x.eml"],
            "An .eml file is for e-mail",
        ),
        (["9" * 5000, "--template", "request"], "CONTACT: Keep this to 200 characters"),
        (["a" * 60_000, "--template", "request"], "CONTACT: Keep this to 200 characters"),
    ],
)
def test_it_explains_what_it_cannot_do(ada, me, args, message):
    contact_create(owner=me, name="Alan Turing")
    result = run("draft", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not Message.objects.exists()


def test_it_refuses_a_linkedin_note_over_300_characters(me):
    contact_create(owner=me, name="Grace Hopper", why_them="A very long reason. " * 20)
    result = run("draft", "Grace", "--template", "request")
    assert result.exit_code == 1
    assert "LinkedIn takes 300" in result.output
    assert not Message.objects.exists()


def test_it_refuses_a_do_not_contact_person(ada):
    ada.do_not_contact = True
    ada.save()
    result = run("draft", "Ada", "--template", "request")
    assert result.exit_code == 1
    assert "do not contact" in result.output
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["Ada\x00"], "CONTACT"),
        (["Ada\nLovelace"], "CONTACT"),
        (["x" * 201], "CONTACT"),
        (["Ada", "--template", "request\x00"], "--template"),
        (["Ada", "--template", "request\r\nx"], "--template"),
    ],
)
def test_it_refuses_a_bad_argument_with_one_line_naming_it(me, args, option):
    contact_create(owner=me, name="Ada Lovelace", email="ada@example.com")
    result = run("draft", *(args if "--template" in args else [*args, "--template", "request"]))
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith(f"Error: {option}: ")
    assert not Message.objects.exists()


@pytest.mark.parametrize("contact", ["²", "٣", "99999999999999999999999"])
def test_it_reads_an_id_in_ascii_digits_only(me, contact):
    contact_create(owner=me, name="Ada Lovelace", email="ada@example.com")
    result = run("draft", contact, "--template", "request")
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("Error: CONTACT: No contact matches")
