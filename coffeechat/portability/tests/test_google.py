from pathlib import Path

import pytest

from coffeechat.portability.google import parse_google
from coffeechat.portability.importers import ImportFileError

FILES = Path(__file__).parent / "files"


def people_of(name: str):
    return {p.name: p for p in parse_google((FILES / name).read_bytes(), filename=name)}


def test_it_reads_todays_google_csv():
    people = people_of("google-contacts.csv")
    ada = people["Ada Lovelace"]
    assert (ada.first_name, ada.last_name) == ("Ada", "Lovelace")
    # The starred label is the primary address; " ::: " joins several values in one cell.
    assert ada.emails == ["ada@engines.example", "ada@home.example", "countess@home.example"]
    assert ada.phone == "+44 20 7946 0001"
    assert (ada.organization, ada.title) == ("Analytical Engines", "Analyst")
    assert ada.notes == "Met at the Babbage lecture.\nAsk about the notes on the engine."
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada-lovelace-1815"
    assert ada.tags == ["Alumni"]  # not "* myContacts" nor "* starred"
    assert ada.source == "cold"
    assert ada.where == "google-contacts.csv, line 2"


def test_it_keeps_prefixes_and_suffixes_in_the_name_only():
    people = people_of("google-contacts.csv")
    jose = people["José María Núñez Jr."]
    assert (jose.first_name, jose.last_name) == ("José", "María Núñez")
    assert jose.tags == ["Conference", "Climate tech"]
    grace = people["Dr. Grace Hopper"]
    assert (grace.first_name, grace.last_name) == ("Grace", "Hopper")
    assert grace.notes == 'Said: "always ask forgiveness"'


def test_it_falls_back_to_the_nickname_and_skips_empty_rows():
    people = people_of("google-contacts.csv")
    assert people["Tiny"].phone == "+1 555 0100"
    assert len(people) == 4


def test_it_reads_the_older_google_csv():
    people = people_of("google-contacts-legacy.csv")
    katherine = people["Katherine Johnson"]
    assert katherine.emails == ["katherine@nasa.example"]
    assert (katherine.organization, katherine.title) == ("NASA", "Mathematician")
    assert katherine.tags == ["NASA friends"]
    alan = people["Alan Turing"]
    assert (alan.first_name, alan.last_name) == ("Alan", "Turing")
    assert alan.tags == []
    assert alan.linkedin_url == "https://uk.linkedin.com/in/alanturing"


def test_it_reads_a_person_without_a_name_for_the_import_to_name():
    text = "First Name,Last Name,Labels,E-mail 1 - Value\nAda,Lovelace,,\n,,* myContacts,x@example.org\n"
    ada, nameless = parse_google(text.encode(), filename="contacts.csv")
    assert (nameless.name, nameless.emails, nameless.line) == ("", ["x@example.org"], 3)
    assert (nameless.first_name, nameless.last_name) == ("", "")


def test_it_names_the_missing_name_columns():
    with pytest.raises(ImportFileError) as error:
        parse_google(b"Nickname,Labels,E-mail 1 - Value\nTiny,,\n", filename="contacts.csv")
    assert str(error.value) == (
        'contacts.csv, line 1: the header lacks the columns "First Name", "Last Name".'
    )


def test_it_says_a_linkedin_file_is_to_be_imported_as_linkedin():
    with pytest.raises(ImportFileError, match="LinkedIn's Connections.csv.*import it as linkedin"):
        parse_google((FILES / "Connections.csv").read_bytes(), filename="Connections.csv")


def test_it_refuses_some_other_csv():
    with pytest.raises(ImportFileError) as error:
        parse_google(b"Date,Amount\n2024-01-01,3\n", filename="bank.csv")
    assert str(error.value).startswith(
        'bank.csv, line 1: this is not a Google Contacts export (it begins "Date,Amount")'
    )
