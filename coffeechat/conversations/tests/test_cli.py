import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from click.testing import CliRunner
from django.utils import timezone

from coffeechat.accounts.services import local_user_get_or_create
from coffeechat.cli import main
from coffeechat.contacts.services import contact_create
from coffeechat.conversations.models import Conversation, State
from coffeechat.conversations.scheduling import conversation_mark_held, conversation_schedule

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def me():
    return local_user_get_or_create()


@pytest.fixture
def start():
    moment = (timezone.now() + timedelta(days=7)).astimezone(BERLIN)
    return moment.replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def booked(me, start):
    ada = contact_create(
        owner=me, name="Ada Lovelace", email="ada@example.com", organization_name="Engines"
    )
    conversation = Conversation.objects.create(owner=me, contact=ada, state=State.REQUESTED)
    return conversation_schedule(
        owner=me,
        conversation=conversation,
        start=start,
        time_zone="Europe/Berlin",
        length_minutes=25,
        format="coffee",
        place="Café Einstein",
    )


@pytest.fixture
def held(me, start):
    grace = contact_create(owner=me, name="Grace Hopper", email="grace@example.com")
    conversation = Conversation.objects.create(owner=me, contact=grace)
    conversation_schedule(
        owner=me,
        conversation=conversation,
        start=start - timedelta(days=1),
        time_zone="America/New_York",
        length_minutes=20,
        format="phone",
        now=start - timedelta(days=3),
    )
    return conversation_mark_held(owner=me, conversation=conversation, now=start)


# export ics


def test_it_exports_upcoming_conversations_to_standard_output(booked, held):
    result = run("export", "ics")
    assert result.exit_code == 0, result.output
    cal = vobject.readOne(result.stdout)
    [event] = cal.vevent_list
    assert event.uid.value == booked.ics_uid
    assert event.dtstart.value.astimezone(UTC) == booked.scheduled_for
    assert event.location.value == "Café Einstein"
    assert b"\r\nEND:VCALENDAR\r\n" in result.stdout_bytes, "CRLF line ends, as RFC 5545 asks"


def test_it_exports_to_a_file(booked, tmp_path):
    target = tmp_path / "coffeechat.ics"
    result = run("export", "ics", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote 1 upcoming conversation to {target}." in result.stderr
    data = target.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert vobject.readOne(data.decode()).vevent.uid.value == booked.ics_uid


def test_an_empty_export_says_so_and_is_still_a_calendar(held):
    result = run("export", "ics")
    assert result.exit_code == 0, result.output
    assert "No upcoming conversations" in result.stderr
    cal = vobject.readOne(result.stdout)
    assert not hasattr(cal, "vevent")


@pytest.mark.parametrize("where", ["missing-dir/out.ics", "."])
def test_it_explains_a_file_it_cannot_write_in_one_line(booked, tmp_path, where):
    target = tmp_path / where
    result = run("export", "ics", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Cannot write ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_it_explains_a_read_only_directory(booked, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        result = run("export", "ics", "-o", str(locked / "out.ics"))
    finally:
        locked.chmod(0o700)
    if result.exit_code == 0:  # pragma: no cover - running as root ignores the mode
        pytest.skip("the file system lets this user write anyway")
    assert result.exit_code == 1
    assert "Cannot write" in result.stderr and "Permission denied" in result.stderr


# conversations list


def test_it_lists_conversations_as_json(booked, held):
    result = run("conversations", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["contact"]: row for row in json.loads(result.stdout)}
    ada = rows["Ada Lovelace"]
    assert ada == {
        "id": booked.pk,
        "contact": "Ada Lovelace",
        "organization": "Engines",
        "state": "scheduled",
        "requested_at": None,
        "scheduled_for": booked.scheduled_for.isoformat(),
        "time_zone": "Europe/Berlin",
        "length_minutes": 25,
        "format": "coffee",
        "place": "Café Einstein",
        "held_at": None,
        "thanked_at": None,
    }
    assert datetime.fromisoformat(ada["scheduled_for"]) == booked.scheduled_for
    grace = rows["Grace Hopper"]
    assert grace["state"] == "held"
    assert datetime.fromisoformat(grace["held_at"]) == held.held_at


def test_it_lists_conversations_as_a_table(booked, held):
    result = run("conversations", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Contact", "Organisation", "State", "Booked", "for", "Minutes",
                                "Format"]  # fmt: skip
    local = booked.scheduled_for.astimezone(BERLIN)
    ada = next(line for line in lines if line.startswith("Ada Lovelace"))
    assert f"{local:%Y-%m-%d} 10:00 Europe/Berlin" in ada
    assert "Scheduled" in ada and "25" in ada and "Coffee" in ada
    assert any(line.startswith("Grace Hopper") and "Held" in line for line in lines)


def test_the_lists_are_empty_at_first():
    result = run("conversations", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("No conversations yet.")
    result = run("conversations", "list", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_help_names_the_commands():
    assert "ics" in run("export", "--help").output
    assert "list" in run("conversations", "--help").output
