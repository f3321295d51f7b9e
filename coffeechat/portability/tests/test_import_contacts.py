from datetime import date
from pathlib import Path

import pytest

from coffeechat.contacts.models import Contact, Organization, Source, Tag
from coffeechat.contacts.services import contact_create
from coffeechat.portability.importers import (
    ImportFileError,
    IncomingContact,
    import_contacts,
    parse_file,
)

FILES = Path(__file__).parent / "files"


def incoming(name: str, line: int = 2, **fields) -> IncomingContact:
    return IncomingContact(name=name, file="contacts.csv", line=line, **fields)


def import_file(owner, kind: str, name: str, **options):
    people = parse_file(kind, (FILES / name).read_bytes(), filename=name)
    return import_contacts(owner=owner, incoming=people, **options)


def counts(owner) -> tuple[int, int, int]:
    return (
        Contact.objects.owned_by(owner).count(),
        Organization.objects.owned_by(owner).count(),
        Tag.objects.owned_by(owner).count(),
    )


def test_it_imports_a_linkedin_export(alice):
    summary = import_file(alice, "linkedin", "Connections.csv")
    assert (summary.new, summary.merged, summary.skipped) == (9, 0, 0)
    ada = Contact.objects.get(owner=alice, name="Ada Lovelace")
    assert ada.source == Source.LINKEDIN
    assert ada.connected_on == date(2024, 3, 12)
    assert ada.organization.name == "Analytical Engines"
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada-lovelace-1815"
    sam = Contact.objects.get(owner=alice, name="Sam 🚀 Okafor")
    assert (sam.first_name, sam.email) == ("Sam", "sam.okafor@example.org")
    assert Organization.objects.owned_by(alice).count() == 8


def test_it_imports_google_contacts_with_emails_notes_and_tags(alice):
    summary = import_file(alice, "google", "google-contacts.csv")
    assert (summary.new, summary.merged, summary.skipped) == (4, 0, 0)
    ada = Contact.objects.get(owner=alice, name="Ada Lovelace")
    assert ada.email == "ada@engines.example"
    assert ada.other_emails == ["ada@home.example", "countess@home.example"]
    assert ada.research_notes == "Met at the Babbage lecture.\nAsk about the notes on the engine."
    assert ada.phone == "+44 20 7946 0001"
    assert [t.name for t in ada.tags.all()] == ["Alumni"]
    jose = Contact.objects.get(owner=alice, name="José María Núñez Jr.")
    assert sorted(t.name for t in jose.tags.all()) == ["Climate tech", "Conference"]
    assert ada.source == Source.COLD


def test_it_merges_a_known_person_filling_only_what_is_empty(alice):
    ada = contact_create(
        owner=alice,
        name="Ada King",
        email="ADA@engines.example",
        title="Countess of Lovelace",
        research_notes="My own notes.",
        source=Source.ALUMNI,
        tags=["mentor"],
    )
    summary = import_file(alice, "google", "google-contacts.csv")
    assert (summary.new, summary.merged, summary.skipped) == (3, 1, 0)
    ada.refresh_from_db()
    assert ada.name == "Ada King"
    assert ada.title == "Countess of Lovelace"
    assert ada.research_notes == "My own notes."
    assert ada.source == Source.ALUMNI
    assert ada.email == "ada@engines.example"
    assert ada.other_emails == ["ada@home.example", "countess@home.example"]
    assert ada.phone == "+44 20 7946 0001"
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada-lovelace-1815"
    assert ada.organization.name == "Analytical Engines"
    assert sorted(t.name for t in ada.tags.all()) == ["Alumni", "mentor"]


def test_it_recognises_a_linkedin_profile_however_it_was_copied(alice):
    known = contact_create(
        owner=alice, name="Ada", linkedin_url="http://linkedin.com/in/ada-lovelace-1815/"
    )
    summary = import_file(alice, "linkedin", "Connections.csv")
    assert (summary.new, summary.merged) == (8, 1)
    known.refresh_from_db()
    assert known.name == "Ada"
    assert known.source == Source.LINKEDIN  # "cold" meant no connection yet
    assert known.connected_on == date(2024, 3, 12)


def test_it_recognises_the_same_name_at_the_same_organisation(alice):
    org = Organization.objects.create(owner=alice, name="analytical engines")
    known = Contact.objects.create(owner=alice, name="ada  LOVELACE", organization=org)
    summary = import_contacts(
        owner=alice,
        incoming=[
            incoming("Ada Lovelace", organization="Analytical Engines", title="Analyst"),
            incoming("Ada Lovelace", line=3, organization="Difference Engines"),
            incoming("Ada Lovelace", line=4),
        ],
    )
    assert (summary.new, summary.merged, summary.skipped) == (2, 1, 0)
    known.refresh_from_db()
    assert known.title == "Analyst"
    assert Organization.objects.owned_by(alice).count() == 2  # no second "Analytical Engines"


def test_it_keeps_two_people_of_the_same_name_with_two_linkedin_profiles(alice):
    people = [
        incoming("Sam Lee", organization="Acme", linkedin_url="https://www.linkedin.com/in/sam-1"),
        incoming("Sam Lee", organization="Acme", linkedin_url="https://www.linkedin.com/in/sam-2"),
    ]
    assert import_contacts(owner=alice, incoming=people).new == 2


def test_it_merges_duplicates_within_the_file(alice):
    people = [
        incoming("Bea Smith", emails=["bea@example.org"], organization="Loom"),
        incoming(
            "Beatrice Smith", line=3, emails=["BEA@example.org", "b@home.example"], title="CTO"
        ),
        incoming("Bea Smith", line=4, emails=["bea@example.org"]),
        incoming("Bea Smith", line=5, organization="Loom", tags=["design"]),
    ]
    summary = import_contacts(owner=alice, incoming=people)
    assert (summary.new, summary.merged, summary.skipped) == (1, 2, 1)
    [bea] = Contact.objects.owned_by(alice)
    assert (bea.name, bea.title, bea.organization.name) == ("Bea Smith", "CTO", "Loom")
    assert bea.emails == ["bea@example.org", "b@home.example"]
    assert [t.name for t in bea.tags.all()] == ["design"]


def test_it_skips_everyone_on_a_second_import_and_changes_nothing(alice):
    import_file(alice, "google", "google-contacts.csv")
    import_file(alice, "linkedin", "Connections.csv")
    before = list(Contact.objects.owned_by(alice).order_by("pk").values())
    tags_before = counts(alice)
    again = import_file(alice, "google", "google-contacts.csv")
    assert (again.new, again.merged, again.skipped) == (0, 0, 4)
    again = import_file(alice, "linkedin", "Connections.csv")
    assert (again.new, again.merged, again.skipped) == (0, 0, 9)
    assert list(Contact.objects.owned_by(alice).order_by("pk").values()) == before
    assert counts(alice) == tags_before


def test_a_dry_run_counts_the_same_and_writes_nothing(alice, contact):
    before = counts(alice)
    dry = import_file(alice, "google", "google-contacts.csv", dry_run=True)
    assert counts(alice) == before
    real = import_file(alice, "google", "google-contacts.csv")
    assert (dry.new, dry.merged, dry.skipped) == (real.new, real.merged, real.skipped)
    assert [outcome for _, outcome in dry.preview] == [outcome for _, outcome in real.preview]
    assert dry.preview[0][1] == "merged into Ada Lovelace"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            {"emails": ["bea@"]},
            'contacts.csv, line 9: "E-mail": Enter a valid email address: "bea@"',
        ),
        (
            {"linkedin_url": "https://no spaces"},
            'contacts.csv, line 9: "URL": Enter a valid URL: "https://no spaces"',
        ),
        (
            {"title": "x" * 201},
            'contacts.csv, line 9: "Title": Ensure this value has at most 200 characters (it has 201).',
        ),
        (
            {"tags": ["y" * 51]},
            'contacts.csv, line 9: "Labels": Ensure this value has at most 50 characters (it has 51): "'
            + "y" * 51
            + '"',
        ),
    ],
)
def test_it_refuses_a_bad_value_and_writes_nothing(alice, contact, bad, message):
    labels = {"emails": "E-mail", "linkedin_url": "URL", "title": "Title", "tags": "Labels"}
    people = [
        incoming(f"Person {i}", line=i + 2, organization=f"Org {i}", tags=["x"]) for i in range(7)
    ]
    people.append(incoming("Bea Smith", line=9, columns=labels, **bad))
    before = counts(alice)
    with pytest.raises(ImportFileError) as error:
        import_contacts(owner=alice, incoming=people)
    assert str(error.value) == message
    assert counts(alice) == before


def test_it_rolls_back_everything_when_writing_fails(alice, monkeypatch):
    from coffeechat.portability import merging

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merging, "_insert_contacts", fail)
    with pytest.raises(RuntimeError):
        import_file(alice, "google", "google-contacts.csv")
    assert counts(alice) == (0, 0, 0)


def test_it_never_matches_another_users_contacts(alice, bob):
    bobs = contact_create(owner=bob, name="Ada Lovelace", email="ada@engines.example")
    summary = import_file(alice, "google", "google-contacts.csv")
    assert summary.new == 4
    bobs.refresh_from_db()
    assert bobs.other_emails == [] and bobs.phone == ""
    assert Contact.objects.owned_by(bob).count() == 1


def test_it_reports_progress_up_to_the_total(alice):
    people = [incoming(f"Person {i}", line=i + 2) for i in range(1200)]
    calls = []
    import_contacts(
        owner=alice, incoming=people, progress=lambda done, total: calls.append((done, total))
    )
    assert {total for _, total in calls} == {2400}
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (2400, 2400)
    assert len(calls) > 3


def test_it_inserts_row_by_row_where_sqlite_cannot_return_ids(alice, monkeypatch):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("a fallback for SQLite before 3.35")
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    import_file(alice, "google", "google-contacts.csv")
    jose = Contact.objects.get(owner=alice, name="José María Núñez Jr.")
    assert sorted(t.name for t in jose.tags.all()) == ["Climate tech", "Conference"]
    assert Contact.objects.get(owner=alice, name="Ada Lovelace").tags.get().name == "Alumni"
