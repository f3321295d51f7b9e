import email
import email.policy

import pytest
from click.testing import CliRunner

from coffeechat.accounts.services import local_user_get_or_create
from coffeechat.cli import main
from coffeechat.contacts.services import contact_create
from coffeechat.outreach.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def me():
    return local_user_get_or_create()


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_it_drafts_a_request_and_writes_an_eml(me, tmp_path):
    contact_create(owner=me, name="Ada Lovelace", email="ada@example.com", their_work="the Engine")
    path = tmp_path / "ada.eml"
    result = run("draft", "ada", "--template", "request", "--eml", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Subject: ")
    assert "Ada" in result.output
    assert f"Wrote {path}." in result.output
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "Ada Lovelace <ada@example.com>"
    assert Message.objects.get().status == "draft"


def test_it_picks_a_linkedin_note_for_someone_without_email(me):
    contact_create(owner=me, name="Grace Hopper")
    result = run("draft", "Grace Hopper", "--template", "request")
    assert result.exit_code == 0, result.output
    assert not result.output.startswith("Subject:")
    assert Message.objects.get().channel == "linkedin"


def test_it_takes_a_template_key(me):
    contact_create(owner=me, name="Ada Lovelace", email="ada@example.com")
    result = run("draft", "Ada", "--template", "request_linkedin")
    assert result.exit_code == 0, result.output
    assert Message.objects.get().channel == "linkedin"


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
            "No template of kind “banana” fits Ada Lovelace.",
        ),
        (["9" * 5000, "--template", "request"], "contact: Keep this to 200 characters"),
        (["a" * 60_000, "--template", "request"], "contact: Keep this to 200 characters"),
    ],
)
def test_it_explains_what_it_cannot_do(me, args, message):
    contact_create(owner=me, name="Ada Lovelace", email="ada@example.com")
    contact_create(owner=me, name="Alan Turing")
    result = run("draft", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not Message.objects.exists()


def test_it_refuses_a_do_not_contact_person(me):
    contact_create(owner=me, name="Ada Lovelace", email="ada@example.com", do_not_contact=True)
    result = run("draft", "Ada", "--template", "request")
    assert result.exit_code == 1
    assert "do not contact" in result.output


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
