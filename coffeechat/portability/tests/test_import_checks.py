"""Each imported record passes the checks of the model fields it is written to.

A bad value refuses the whole file with one line naming the file, the line and the column;
control characters in one-line values (names, organisation, title) are dropped instead,
since the user cannot edit the export.
"""

import pytest

from coffeechat.contacts.models import Contact, Organization, Tag
from coffeechat.contacts.services import contact_create
from coffeechat.portability.importers import ImportFileError, import_contacts, parse_file

LINKEDIN = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
GOOGLE = "First Name,Last Name,Organization Name,Notes,E-mail 1 - Value\n"


def run_import(owner, kind: str, text: str, filename: str):
    people = parse_file(kind, text.encode(), filename=filename)
    return import_contacts(owner=owner, incoming=people)


def refusal(owner, kind: str, text: str, filename: str) -> str:
    with pytest.raises(ImportFileError) as refused:
        run_import(owner, kind, text, filename)
    return str(refused.value)


def linkedin_row(
    first="Grace", last="Hopper", company="Navy", position="Admiral", when="12 Mar 2024"
):
    return f"{first},{last},https://www.linkedin.com/in/grace,,{company},{position},{when}\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            linkedin_row(when="01 Jan 0001"),
            '"Connected On": Choose a date between 1900 and 2200.',
        ),
        (
            linkedin_row(when="12 Mar 9999"),
            '"Connected On": Choose a date between 1900 and 2200.',
        ),
        (
            linkedin_row(company="N" * 201),
            '"Company": Ensure this value has at most 200 characters (it has 201).',
        ),
        (
            linkedin_row(first="G" * 150, last="H" * 60),
            '"First Name": Ensure this value has at most 200 characters (it has 211).',
        ),
    ],
)
def test_a_bad_linkedin_row_refuses_the_file_naming_line_and_column(alice, contact, row, message):
    before = list(Contact.objects.values_list("pk", "name"))
    text = LINKEDIN + linkedin_row(first="Ada", last="Byron") + row
    assert (
        refusal(alice, "linkedin", text, "Connections.csv") == f"Connections.csv, line 3: {message}"
    )
    assert list(Contact.objects.values_list("pk", "name")) == before
    assert Organization.objects.count() == 1


def test_control_characters_in_imported_names_are_dropped(alice):
    text = LINKEDIN + linkedin_row(first="Gr\x07ace", last="Hop\x1bper", company="U.S.\x7f Navy")
    assert run_import(alice, "linkedin", text, "Connections.csv").new == 1
    grace = Contact.objects.get()
    assert (grace.name, grace.first_name, grace.last_name) == ("Grace Hopper", "Grace", "Hopper")
    assert grace.organization.name == "U.S. Navy"


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        ("Met at\x01 the lecture", '"Notes": Remove the control characters (such as NUL)'),
        ("x" * 20_001, '"Notes": Keep this to 20,000 characters (it has 20,001).'),
    ],
)
def test_a_bad_note_in_a_google_export_refuses_the_file(alice, notes, message):
    text = GOOGLE + "Ada,Lovelace,Engines,Fine,ada@example.com\n" + f'Bea,Bolt,,"{notes}",\n'
    assert refusal(alice, "google", text, "contacts.csv").startswith(
        f"contacts.csv, line 3: {message}"
    )
    assert not Contact.objects.exists()


def test_a_bad_e_mail_in_a_google_export_is_quoted(alice):
    text = GOOGLE + "Ada,Lovelace,Engines,,ada@exa\x0bmple.com\n"
    assert refusal(alice, "google", text, "contacts.csv") == (
        'contacts.csv, line 2: "E-mail 1 - Value": Enter a valid email address: '
        '"ada@exa\x0bmple.com"'
    )


def test_a_bad_vcard_names_the_card_and_its_line(alice):
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bea Bolt\r\nNOTE:bell\x07 here\r\nEND:VCARD\r\n"
    )
    message = refusal(alice, "vcard", text, "people.vcf")
    assert message.startswith('people.vcf, card 2 (line 5): "NOTE": Remove the control')
    assert not Contact.objects.exists()


def test_a_value_refused_in_a_form_is_refused_in_an_import_with_the_same_words(alice):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as by_service:
        contact_create(owner=alice, name="Ada", organization_name="E" * 201)
    [words] = by_service.value.message_dict["organization_name"]
    text = LINKEDIN + linkedin_row(company="E" * 201)
    assert refusal(alice, "linkedin", text, "Connections.csv").endswith(words)


def test_nul_in_a_utf16_export_never_reaches_the_database(alice):
    # UTF-16 is the one encoding whose files may hold NUL bytes; PostgreSQL refuses NUL in text.
    text = GOOGLE + "Ada\x00,Lovelace,Engines,,\n" + 'Bea,Bolt,,"a\x00b",\n'
    people = parse_file("google", text.encode("utf-16"), filename="contacts.csv")
    with pytest.raises(ImportFileError) as refused:
        import_contacts(owner=alice, incoming=people)
    assert str(refused.value).startswith('contacts.csv, line 3: "Notes": Remove the control')
    import_contacts(owner=alice, incoming=people[:1])
    assert Contact.objects.get().name == "Ada Lovelace"


@pytest.mark.parametrize(
    "value",
    [
        "Ada",
        "Zoë Ångström 🚀",
        "A" * 50,
        "A" * 51,
        "A" * 201,
        "Ada\x00",
        "Ada\u2028",
        "a\tb",
        "a\u200db",
    ],
)
@pytest.mark.parametrize(
    ("field", "model", "name"),
    [
        ("name", Contact, "name"),
        ("organization", Organization, "name"),
        ("notes", Contact, "research_notes"),
        ("tags", Tag, "name"),
        ("emails", Contact, "email"),
    ],
)
def test_the_quick_path_refuses_exactly_what_the_field_validators_refuse(field, model, name, value):
    from django.core.exceptions import ValidationError

    from coffeechat.portability.merging import FIELD_CHECKS

    def refused(check) -> bool:
        try:
            check()
        except ValidationError:
            return True
        return False

    validators = model._meta.get_field(name).validators
    by_model = refused(lambda: [validate(value) for validate in validators])
    assert refused(lambda: FIELD_CHECKS[field](value)) == by_model
