from pathlib import Path

import pytest

from coffeechat.portability.importers import ImportFileError
from coffeechat.portability.vcard import parse_vcard

FILES = Path(__file__).parent / "files"


def people_of(name: str):
    return {p.name: p for p in parse_vcard((FILES / name).read_bytes(), filename=name)}


def test_it_reads_a_vcard_3_file_from_apple_contacts():
    people = people_of("contacts-3.0.vcf")
    ada = people["Ada Lovelace"]
    assert (ada.first_name, ada.last_name) == ("Ada", "Lovelace")
    assert ada.emails == ["ada@engines.example", "ada@home.example"]  # the preferred one first
    assert ada.phone == "+44 20 7946 0001"
    assert ada.organization == "Analytical Engines"  # not its units
    assert ada.title == "Analyst"
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada-lovelace-1815"
    assert ada.notes == "Met at the Babbage lecture, London.\nAsk about the engine notes."
    assert ada.tags == ["Alumni", "Mathematics, applied"]
    assert ada.where == "contacts-3.0.vcf, card 1 (line 1)"


def test_it_builds_the_name_from_n_without_fn_and_unfolds_lines():
    people = people_of("contacts-3.0.vcf")
    grace = people["Rear Admiral Grace Brewster Murray Hopper"]
    assert (grace.first_name, grace.last_name) == ("Grace", "Brewster Murray Hopper")
    assert grace.card == 2
    chloe = people["Chloé Dubois"]  # FN without N
    assert (chloe.first_name, chloe.last_name) == ("Chloé", "Dubois")
    assert chloe.title == "Analyste crédit, risques et conformité"


def test_it_reads_a_vcard_4_file():
    people = people_of("contacts-4.0.vcf")
    katherine = people["Katherine Johnson"]
    assert katherine.emails == ["katherine@nasa.example", "kj@home.example"]
    assert katherine.phone == "+1-555-0142"
    assert katherine.organization == "NASA"
    assert katherine.tags == ["NASA friends"]
    assert people["李 小龙"].first_name == "小龙"


def test_it_reads_an_old_phones_latin_1_quoted_printable_vcard_2_1_with_a_photo():
    people = people_of("contacts-2.1-latin1.vcf")
    joerg = people["Jörg Müller"]
    assert (joerg.first_name, joerg.last_name) == ("Jörg", "Müller")
    assert joerg.emails == ["joerg@mueller.example"]
    assert joerg.phone == "+49 30 1234567"
    assert joerg.organization == "Bäckerei Müller"
    assert joerg.notes == "Erste Zeile\r\nZweite Zeile"
    helene = people["Hélène Ferrand"]
    assert helene.card == 2 and helene.phone == "+33 6 12 34 56 78"


def test_it_reads_a_card_without_a_name_for_the_import_to_name():
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nEMAIL:who@example.org\nORG:Loom\nEND:VCARD\n"
    )
    ada, nameless = parse_vcard(text.encode(), filename="contacts.vcf")
    assert (nameless.name, nameless.emails, nameless.organization) == (
        "",
        ["who@example.org"],
        "Loom",
    )
    assert nameless.where == "contacts.vcf, card 2 (line 5)"


def test_it_names_a_card_that_is_never_closed():
    text = "BEGIN:VCARD\nFN:Ada\nEND:VCARD\nBEGIN:VCARD\nFN:Bea\n"
    with pytest.raises(ImportFileError, match=r"contacts.vcf, card 2 \(line 4\): .*never closed"):
        parse_vcard(text.encode(), filename="contacts.vcf")


def test_it_names_a_line_outside_any_card():
    text = "BEGIN:VCARD\nFN:Ada\nEND:VCARD\nFN:Bea\n"
    with pytest.raises(ImportFileError, match='contacts.vcf, line 4: "FN:Bea" is outside any card'):
        parse_vcard(text.encode(), filename="contacts.vcf")


def test_it_names_a_property_it_cannot_read():
    text = "BEGIN:VCARD\nFN:Ada\nEMAIL;TYPE=work\nEND:VCARD\n"
    with pytest.raises(
        ImportFileError, match=r"contacts.vcf, card 1 \(line 3\): cannot read EMAIL"
    ):
        parse_vcard(text.encode(), filename="contacts.vcf")


def test_it_refuses_a_file_that_is_not_a_vcard():
    with pytest.raises(ImportFileError, match="not a vCard file"):
        parse_vcard(b"First Name,Last Name\nAda,Lovelace\n", filename="contacts.vcf")
