import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.utils import timezone

import coffeechat.cli.today  # noqa: F401 - registers `coffeechat today`
from coffeechat.accounts.services import local_user_get_or_create
from coffeechat.agenda.rules import agenda
from coffeechat.agenda.services import agenda_dismiss
from coffeechat.agenda.tests.test_rules import thanked_person
from coffeechat.cli import main

pytestmark = pytest.mark.django_db

ITEM_KEYS = {
    "key",
    "rule",
    "title",
    "reason",
    "due_at",
    "overdue_at",
    "group",
    "contact",
    "conversation",
    "action_url",
    "action_label",
    "suggestions",
}


def run(*args, columns: int = 100):
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(main, list(args))


def test_it_prints_the_agenda_of_the_demo_network_grouped():
    assert run("demo").exit_code == 0

    result = run("today", columns=250)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    headings = [line.split(" (")[0] for line in lines if line and not line.startswith(" ")]
    assert headings == ["Overdue", "Today", "Next 7 days"]
    assert "Thank Sofia Marchetti" in result.output
    assert "Remind Oliver Brennan and re-confirm" in result.output
    assert "a thank-you within 24 hours is best" in result.output
    narrow = run("today", columns=60).output
    assert max(len(line) for line in narrow.splitlines()) <= 100


def test_it_prints_stable_json_for_scripts():
    run("demo")

    result = run("today", "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"generated_at", "time_zone", "counts", "more", "items"}
    assert data["time_zone"] == "Europe/London"
    assert sum(data["counts"].values()) == len(data["items"]) > 10
    for item in data["items"]:
        assert set(item) == ITEM_KEYS
        assert item["group"] in ("overdue", "today", "upcoming")
        assert item["action_url"].startswith("/")
        assert item["contact"] is None or set(item["contact"]) == {"id", "name"}
        assert item["conversation"] is None or set(item["conversation"]) == {"id", "state"}


def test_a_new_user_is_told_to_add_people_first():
    result = run("today")
    assert result.exit_code == 0, result.output
    assert "Add people to your list" in result.output

    from django.utils import timezone

    owner = local_user_get_or_create()
    for item in agenda(owner=owner, now=timezone.now()).items:
        agenda_dismiss(owner=owner, key=item.key)
    result = run("today")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Nothing is due in the next 7 days.")
    assert "coffeechat contacts add NAME --org ORG" in result.output
    assert json.loads(run("today", "--json").output)["items"] == []


def test_it_says_how_many_more_people_are_due_a_note():
    owner = local_user_get_or_create()
    for n in range(6):
        thanked_person(owner, f"Person {n}", timezone.now() - timedelta(days=100 + n))

    text = run("today", columns=250).output
    data = json.loads(run("today", "--json").output)

    assert text.count("Keep in touch with Person") == 5
    assert "1 more person is due a note to keep in touch" in text
    assert data["more"] == {"keep_in_touch": 1}


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://coffeechat.example\r\nBcc: x@example.com", "x\x00"]
)
def test_the_digest_refuses_a_bad_base_url_with_one_line(url):
    result = CliRunner().invoke(main, ["digest", "--base-url", url])
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("Error: --base-url: ")


def test_upcoming_lists_the_next_days_week_by_week():
    owner = local_user_get_or_create()
    thanked_person(owner, "Sam Soon", timezone.now() - timedelta(days=60))

    result = run("upcoming", "--days", "45", columns=200)

    assert result.exit_code == 0, result.output
    assert "Keep in touch with Sam Soon" in result.output
    assert "Keep in touch" in result.output.splitlines()[1]
    assert result.output.startswith(("Week of", "Next week", "This week"))

    data = json.loads(run("upcoming", "--json").output)
    assert data["days"] == 90
    [entry] = data["entries"]
    assert entry["title"] == "Keep in touch with Sam Soon"
    assert entry["kind"] == "Keep in touch"

    assert "Nothing is booked" in run("upcoming", "--days", "20").output
    refused = run("upcoming", "--days", "0")
    assert refused.exit_code == 2
    assert "--days" in refused.output
