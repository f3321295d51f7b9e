from datetime import date
from pathlib import Path

import pytest

from coffeechat.portability.importers import ImportFileError
from coffeechat.portability.linkedin import parse_date, parse_linkedin

FILES = Path(__file__).parent / "files"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def parse(text: str, filename: str = "Connections.csv"):
    return parse_linkedin(text.encode(), filename=filename)


def test_it_reads_connections_as_linkedin_writes_them():
    people = parse_linkedin((FILES / "Connections.csv").read_bytes(), filename="Connections.csv")
    by_url = {p.linkedin_url.rsplit("/", 1)[-1]: p for p in people}
    ada = by_url["ada-lovelace-1815"]
    assert (ada.name, ada.first_name, ada.last_name) == ("Ada Lovelace", "Ada", "Lovelace")
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada-lovelace-1815"
    assert (ada.organization, ada.title) == ("Analytical Engines", "Analyst")
    assert ada.connected_on == date(2024, 3, 12)
    assert ada.source == "linkedin" and ada.emails == []
    assert ada.where == "Connections.csv, line 5"
    # The row LinkedIn keeps for a closed account, with no name, is read; the import leaves
    # it out, as it has no e-mail address or company either.
    assert len(people) == 10
    assert [p.line for p in people if not p.name] == [12]


def test_it_keeps_accents_emoji_and_credentials_in_the_name_but_not_in_first_and_last():
    people = {p.name: p for p in parse_linkedin((FILES / "Connections.csv").read_bytes())}
    sam = people["Sam 🚀 Okafor"]
    assert (sam.first_name, sam.last_name, sam.emails) == (
        "Sam",
        "Okafor",
        ["sam.okafor@example.org"],
    )
    maria = people["Maria Garcia, PhD"]
    assert (maria.first_name, maria.last_name) == ("Maria", "Garcia")
    assert maria.organization == "Smith, Jones & Co."
    robert = people["Robert Chen, MBA, CFA"]
    assert robert.last_name == "Chen" and robert.title == "Portfolio Manager, Fixed Income"
    jen = people['Jennifer "Jen" O\'Neil']
    assert (jen.first_name, jen.last_name) == ("Jennifer", "O'Neil")
    assert jen.title == 'Head of "People" Ops'
    assert people["Priya Raman (she/her)"].last_name == "Raman"
    assert people["Chloé Dubois-Lefèvre"].organization == "Société Générale"
    assert people["Zoë Ångström"].organization == ""
    # "Ma" is a surname, not a Master of Arts.
    assert people["Li Ma"].last_name == "Ma"


def test_it_reads_a_spreadsheet_re_save_with_bom_crlf_and_other_dates():
    people = parse_linkedin((FILES / "Connections-resaved.csv").read_bytes())
    assert [p.connected_on for p in people] == [
        date(2024, 3, 12),
        date(2022, 2, 7),
        date(2024, 3, 12),
        date(2024, 3, 12),
        None,
    ]
    assert people[0].name == "Ada Lovelace"  # no byte-order mark stuck to the first column
    assert people[1].linkedin_url == "https://www.linkedin.com/in/gracehopper"
    assert [p.line for p in people] == [2, 3, 5, 7, 8]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Mar 2024", date(2024, 3, 12)),
        ("07 Feb 2022", date(2022, 2, 7)),
        ("7-Feb-22", date(2022, 2, 7)),
        ("2024-03-12", date(2024, 3, 12)),
        ("3/12/2024", date(2024, 3, 12)),
        ("25/12/2023", date(2023, 12, 25)),
        ("31 Foo 2024", None),
    ],
)
def test_it_reads_the_dates_spreadsheets_write(text, expected):
    assert parse_date(text) == expected


def test_it_names_the_file_line_and_column_of_a_bad_date():
    text = HEADER + "Ada,Lovelace,,,,,12 Mar 2024\n" * 5 + "Bea,Smith,,,,,31 Foo 2024\n"
    with pytest.raises(ImportFileError) as error:
        parse(text)
    assert (
        str(error.value) == 'Connections.csv, line 7: "Connected On" is not a date: "31 Foo 2024"'
    )


def test_it_refuses_another_linkedin_export_and_says_which_file_to_choose():
    with pytest.raises(ImportFileError) as error:
        parse_linkedin((FILES / "Messages.csv").read_bytes(), filename="Messages.csv")
    message = str(error.value)
    assert message.startswith("Messages.csv, line 1: this is not LinkedIn's Connections.csv")
    assert '"CONVERSATION ID,CONVERSATION TITLE' in message
    assert "choose Connections.csv" in message


def test_it_refuses_a_google_export_and_says_how_to_import_it():
    with pytest.raises(ImportFileError, match="Google Contacts export.*import it as google"):
        parse_linkedin((FILES / "google-contacts.csv").read_bytes(), filename="contacts.csv")


def test_it_names_the_missing_columns():
    with pytest.raises(ImportFileError) as error:
        parse("First Name,Last Name,URL,Company\nAda,Lovelace,,\n")
    assert str(error.value) == (
        'Connections.csv, line 1: the header lacks the columns "Position", "Connected On".'
    )


def test_it_reads_a_file_without_the_email_column():
    [ada] = parse("First Name,Last Name,URL,Company,Position,Connected On\nAda,Lovelace,,,,\n")
    assert ada.emails == []


def test_it_names_a_line_with_too_many_fields():
    text = (
        HEADER
        + "Ada,Lovelace,,,Engines,Analyst,12 Mar 2024\nBea,Smith,,,Acme, Inc,CEO,1 Mar 2024\n"
    )
    with pytest.raises(ImportFileError) as error:
        parse(text)
    assert str(error.value).startswith("Connections.csv, line 3: 8 fields, but the header has 7")


def test_it_refuses_a_file_with_only_the_header():
    with pytest.raises(ImportFileError, match="nobody in this file"):
        parse("Notes:\n\n" + HEADER)
