import json

import pytest
from click.testing import CliRunner

from coffeechat.cli import main

pytestmark = pytest.mark.django_db


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_it_adds_a_contact_and_lists_it_as_json():
    result = run(
        "contacts", "add", "Ada Lovelace", "--org", "Analytical Engines",
        "--email", "ada@example.com", "--source", "alumni",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Added Ada Lovelace at Analytical Engines." in result.output

    result = run("contacts", "list", "--json")
    assert result.exit_code == 0, result.output
    [ada] = json.loads(result.output)
    assert ada["name"] == "Ada Lovelace"
    assert (ada["first_name"], ada["last_name"]) == ("Ada", "Lovelace")
    assert ada["email"] == "ada@example.com"
    assert ada["emails"] == ["ada@example.com"]
    assert ada["organization"] == "Analytical Engines"
    assert ada["source"] == "alumni"
    assert ada["stage"] == "prospect"
    assert {"title", "linkedin_url"} <= ada.keys()


def test_it_prints_a_table_and_an_empty_state():
    assert "No contacts yet" in run("contacts", "list").output
    run("contacts", "add", "Ada Lovelace", "--title", "Analyst")
    result = run("contacts", "list")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == [
        "Name",
        "Organisation",
        "Title",
        "Source",
        "Stage",
        "Mentor",
    ]
    assert "Ada Lovelace" in result.output


def test_it_shows_and_filters_the_mentors():
    from coffeechat.accounts.services import local_user_get_or_create
    from coffeechat.contacts.models import Contact

    assert "Nobody is marked as a mentor yet" in run("contacts", "list", "--mentors").output
    run("contacts", "add", "Ada Lovelace")
    run("contacts", "add", "Charles Babbage")
    owner = local_user_get_or_create()
    Contact.objects.owned_by(owner).filter(name="Ada Lovelace").update(is_mentor=True)

    result = run("contacts", "list", "--mentors")
    assert result.exit_code == 0, result.output
    [header, ada] = result.output.splitlines()
    assert ada.split()[0:2] == ["Ada", "Lovelace"] and ada.endswith("mentor")
    everyone = run("contacts", "list", "--json")
    assert [(c["name"], c["is_mentor"]) for c in json.loads(everyone.output)] == [
        ("Ada Lovelace", True),
        ("Charles Babbage", False),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-address"], "--email: Enter a valid email address."),
        (["--linkedin", "ftp://x"], "--linkedin: Enter a valid URL."),
        (["--org", "Analytical\nEngines"], "--org: This must fit on one line."),
        (
            ["--title", "x" * 201],
            "--title: Ensure this value has at most 200 characters (it has 201).",
        ),
        (
            ["--title", "Analyst\x1b[2J"],
            "--title: Remove the control characters (such as NUL) from this text.",
        ),
    ],
)
def test_it_refuses_bad_input_with_one_line_and_exit_code_1(args, message):
    result = run("contacts", "add", "Ada", *args)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {message}"
    assert "No contacts yet" in run("contacts", "list").output


def test_it_refuses_a_search_over_the_limit_with_one_line():
    run("contacts", "add", "Ada Lovelace")
    result = run("contacts", "list", "--search", "a" * 60_000)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: --search: Keep this to 200 characters (it has 60,000)."
    )
    found = run("contacts", "list", "--search", "lovelace")
    assert found.exit_code == 0, found.output
    assert "Ada Lovelace" in found.output


def test_it_refuses_a_duplicate():
    run("contacts", "add", "Ada", "--email", "ada@example.com")
    result = run("contacts", "add", "Ada L.", "--email", "ADA@example.com")
    assert result.exit_code == 1
    assert "Ada already has the e-mail ada@example.com." in result.output
    assert "Traceback" not in result.output


def test_it_refuses_an_unknown_source_with_one_line_and_exit_code_1():
    result = run("contacts", "add", "Ada", "--source", "pigeon")
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("Error: --source: “pigeon” is not a source; use one of ")


@pytest.mark.parametrize(
    "name", ["Ada\nLovelace", "Ada\r\nLovelace", "Ada\x00", "Ada \udcff", "A" * 201]
)
def test_it_refuses_a_bad_name_with_one_line_naming_the_argument(name):
    result = run("contacts", "add", name)
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("Error: NAME: ")
    assert "No contacts yet" in run("contacts", "list").output


@pytest.mark.parametrize("query", ["Ada\x00", "Ada\nLovelace", "x" * 201])
def test_it_refuses_a_bad_search_with_one_line_naming_the_option(query):
    result = run("contacts", "list", "--search", query)
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("Error: --search: ")


def test_it_warns_before_adding_a_coworker():
    from coffeechat.accounts.services import local_user_get_or_create, profile_update

    profile_update(owner=local_user_get_or_create(), current_employer="Initech")
    result = run("contacts", "add", "Peter Gibbons", "--org", "initech")
    assert result.exit_code == 0, result.output
    assert "Caution: You work at initech" in result.output


def test_the_table_says_sources_and_stages_in_words():
    run("contacts", "add", "Ada Lovelace", "--source", "former_colleague")
    result = run("contacts", "list")
    assert result.exit_code == 0, result.output
    assert "Former colleague" in result.output and "Prospect" in result.output
    assert "former_colleague" not in result.output and "prospect" not in result.output


def test_a_search_that_finds_nobody_says_so_not_that_the_network_is_empty():
    run("contacts", "add", "Ada Lovelace")
    result = run("contacts", "list", "--search", "nobody")
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip()
        == "Nobody matches “nobody”. Try part of a name, an organisation or a title."
    )
