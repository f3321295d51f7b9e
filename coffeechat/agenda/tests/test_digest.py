from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.utils import timezone

import coffeechat.cli.digest  # noqa: F401 - registers `coffeechat digest`
from coffeechat.accounts.services import local_user_get_or_create, profile_update
from coffeechat.agenda.digest import digest_message, digest_send_all
from coffeechat.agenda.rules import agenda
from coffeechat.agenda.tests.test_rules import thanked_person
from coffeechat.cli import main
from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import Conversation, State
from coffeechat.demo import demo_load
from coffeechat.outreach.delivery import DeliveryError

pytestmark = pytest.mark.django_db

FROM = "jordan@example.org"


@pytest.fixture
def smtp(settings):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.DEFAULT_FROM_EMAIL = FROM
    return settings


@pytest.fixture
def demo(alice):
    demo_load(owner=alice)
    return alice


def run(*args):
    return CliRunner().invoke(main, list(args))


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_it_writes_the_agenda_as_text_and_html(demo):
    now = timezone.now()
    current = agenda(owner=demo, now=now)

    message = digest_message(owner=demo, now=now)

    counts = current.counts
    assert (
        message.subject == f"coffeechat — {counts['overdue']} overdue, {counts['today']} for today"
    )
    assert message.to == ["alice@example.com"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    text, html = message.body, _html(message)
    assert text.index(f"OVERDUE ({counts['overdue']})") < text.index(f"TODAY ({counts['today']})")
    assert text.index("TODAY (") < text.index(f"NEXT 7 DAYS ({counts['upcoming']})")
    assert max(len(line) for line in text.splitlines()) <= 80
    for item in current.items:
        assert f"* {item.title}" in text
        assert item.title in html
    thanks = next(i for i in current.items if i.title == "Thank Sofia Marchetti")
    assert " ".join(thanks.reason.split()[:6]) in text
    assert "Due yesterday at" in text or "Due today at" in text
    # Without the address coffeechat is reached at, nothing links anywhere.
    assert "http" not in text and "<a " not in html


def test_with_a_base_url_each_action_links_to_coffeechat(demo):
    message = digest_message(owner=demo, now=timezone.now(), base_url="https://cc.example/")

    assert "  Write the thank-you: https://cc.example/outreach/write/" in message.body
    assert 'href="https://cc.example/conversations/' in _html(message)
    assert "Open coffeechat: https://cc.example/" in message.body


def test_names_are_escaped_in_the_html(alice):
    person = Contact.objects.create(owner=alice, name="<script>alert(1)</script> & Co")
    Conversation.objects.create(
        owner=alice, contact=person, state=State.HELD, held_at=timezone.now()
    )

    message = digest_message(owner=alice, now=timezone.now())

    html = _html(message)
    assert "<script>" not in html
    assert "Thank &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "Thank <script>alert(1)</script> & Co" in message.body


def test_it_sends_to_everyone_who_asked_for_it_in_multi_user_mode(alice, bob, smtp, mailoutbox):
    smtp.MULTIUSER = True
    demo_load(owner=alice)
    profile_update(owner=alice, digest_opt_in=True)
    profile_update(owner=bob, digest_opt_in=False)
    no_address = get_user_model().objects.create_user("carol")
    profile_update(owner=no_address, digest_opt_in=True)

    assert digest_send_all(now=timezone.now()) == 1

    [message] = mailoutbox
    assert message.to == ["alice@example.com"]
    assert message.from_email == f"coffeechat <{FROM}>"
    assert message.subject.startswith("coffeechat — ")
    assert "turn it off" in _html(message)


def test_in_local_mode_it_goes_to_the_local_user_at_the_from_address(db, smtp, mailoutbox):
    demo_load(owner=local_user_get_or_create())

    assert digest_send_all(now=timezone.now()) == 1

    assert mailoutbox[0].to == [FROM]


def test_sending_without_smtp_is_refused(db, mailoutbox):
    with pytest.raises(DeliveryError):
        digest_send_all(now=timezone.now())
    assert not mailoutbox


# The command


def test_the_command_prints_the_digest():
    assert run("demo").exit_code == 0

    result = run("digest")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Your coffeechat agenda for ")
    assert "OVERDUE (" in result.output and "* Thank Sofia Marchetti" in result.output


def test_the_command_sends_the_digest(smtp, mailoutbox):
    run("demo")

    result = run("digest", "--send", "--base-url", "http://127.0.0.1:8000")

    assert result.exit_code == 0, result.output
    assert result.output == "Sent 1 digest.\n"
    [message] = mailoutbox
    assert message.to == [FROM]
    assert "Thank Sofia Marchetti" in message.body and "Thank Sofia Marchetti" in _html(message)
    assert "http://127.0.0.1:8000/conversations/" in message.body


def test_the_command_sends_nothing_on_a_day_with_nothing_due(smtp, mailoutbox):
    owner = local_user_get_or_create()
    profile_update(owner=owner, weekly_goal_requests=0, weekly_goal_conversations=0)
    for n in range(5):
        Contact.objects.create(owner=owner, name=f"Person {n}")

    result = run("digest", "--send")

    assert result.exit_code == 0, result.output
    assert result.output == "No digest sent: nothing is overdue or due today.\n"
    assert not mailoutbox


def test_the_command_refuses_to_send_without_smtp(db, mailoutbox):
    result = run("digest", "--send")

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: Sending is not set up: set COFFEECHAT_SMTP_HOST and COFFEECHAT_FROM_EMAIL."
    ]
    assert not mailoutbox


def test_a_long_group_is_cut_short_in_the_e_mail(demo, monkeypatch):
    monkeypatch.setattr("coffeechat.agenda.digest.DIGEST_LIMIT", 2)
    overdue = agenda(owner=demo, now=timezone.now()).counts["overdue"]

    message = digest_message(owner=demo, now=timezone.now())

    section = message.body.split("OVERDUE (")[1].split("TODAY (")[0]
    assert section.count("\n* ") == 2
    assert f"… and {overdue - 2} more." in section
    assert f"… and {overdue - 2} more." in _html(message)


def test_it_says_how_many_more_people_are_due_a_note(alice):
    for n in range(7):
        thanked_person(alice, f"Person {n}", timezone.now() - timedelta(days=100 + n))

    message = digest_message(owner=alice, now=timezone.now())

    assert message.body.count("* Keep in touch with Person") == 5
    assert "2 more people are due a note to keep in touch" in " ".join(message.body.split())
    assert "2 more people are due a note to keep in touch" in _html(message)
