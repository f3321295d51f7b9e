"""Search through the index finds what a plain `icontains` scan finds, whoever wrote the rows,
and user text is never read as FTS5 query syntax."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from coffeechat.contacts import search_index, selectors, services
from coffeechat.contacts.models import Contact, Organization
from coffeechat.lib.validation import SEARCH_LIMIT

PEOPLE = [
    ("Ada Lovelace", "Analytical engine programmer", "ada@example.com", "Babbage & Co"),
    ("Grace Hopper", "Rear admiral", "grace.hopper@navy.example", "US Navy"),
    ("Hopper Grace-Smith", "", "", ""),
    ("Zoë O'Brien", "Head of data_science", "zoe+work@example.org", "Data 100% Ltd"),
    ('Bob "The Builder"', "NEAR expert (OR, AND)", "bob@example.net", ""),
    ("Li Na", "CTO", "", "Loom Works"),
    ("Person 01234", "Title 1234", "p1234@example.com", "Organisation 01234"),
]

ORDINARY = [
    "ada",
    "ADA",
    "lovelace",
    "velac",
    "hopper",
    "grace hopper",
    "hopper grace",
    "Grace-Smith",
    "engine",
    "example",
    "example.com",
    "@navy",
    "zoe+work",
    "o'brien",
    "data_science",
    "100%",
    "babbage",
    "loom li",
    "li",
    "na",
    "1234",
    "01234 person",
    "nobody",
    "cto",
]

HOSTILE = [
    '"the builder"',
    'builder"',
    '"',
    '""""',
    "NEAR(bob",
    "OR",
    "expert OR",
    "name:bob",
    "bob*",
    "^bob",
    "-bob",
    "bo(b",
    "{name title}:bob",
    "a" * 3,
    "\\",
    "%",
    "_",
]


@pytest.fixture
def people(alice):
    for name, title, email, organization in PEOPLE:
        services.contact_create(
            owner=alice, name=name, title=title, email=email, organization_name=organization
        )
    bob = get_user_model().objects.create_user("bob")
    services.contact_create(owner=bob, name="Ada Someone Else", title="engine")
    return alice


def scanned(owner, query: str) -> list[int]:
    """What the search found before the index: each word anywhere in the name, title,
    e-mail address or organisation name, whatever its case."""
    contacts = Contact.objects.filter(owner=owner)
    for word in query.split():
        contacts = contacts.filter(
            Q(name__icontains=word)
            | Q(title__icontains=word)
            | Q(email__icontains=word)
            | Q(organization__name__icontains=word)
        )
    return sorted(contacts.values_list("pk", flat=True))


def found(owner, query: str) -> list[int]:
    return sorted(selectors.contact_list(owner=owner, query=query).values_list("pk", flat=True))


@pytest.mark.parametrize("query", ORDINARY)
def test_a_search_finds_what_a_scan_finds(people, query):
    assert found(people, query) == scanned(people, query)


def test_the_searches_find_someone(people):
    assert sum(bool(found(people, query)) for query in ORDINARY) >= len(ORDINARY) - 1


@pytest.mark.parametrize("query", HOSTILE)
def test_query_syntax_is_text_to_find(people, query):
    assert found(people, query) == scanned(people, query)


def test_a_long_hostile_search_is_bounded_and_answers(people):
    query = ('"NEAR(" OR * ' * 1000)[:SEARCH_LIMIT]

    assert found(people, query) == scanned(people, query)


def test_another_users_people_are_never_found(people):
    assert "Ada Someone Else" not in [
        c.name for c in selectors.contact_list(owner=people, query="someone")
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")
def test_the_index_follows_every_write(alice):
    ada = services.contact_create(owner=alice, name="Ada Lovelace")
    Contact.objects.bulk_create([Contact(owner=alice, name="Bulk Written")])
    assert found(alice, "bulk") != []

    services.contact_update(owner=alice, contact=ada, name="Augusta King")
    assert found(alice, "lovelace") == []
    assert found(alice, "augusta") == [ada.pk]

    Contact.objects.filter(pk=ada.pk).update(title="Countess")
    assert found(alice, "countess") == [ada.pk]

    Contact.objects.filter(pk=ada.pk).delete()
    Organization.objects.filter(owner=alice).delete()
    assert found(alice, "augusta") == []
    assert found(alice, "countess") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")
def test_a_migration_that_remakes_the_table_gets_its_triggers_back(alice):
    ada = services.contact_create(owner=alice, name="Ada Lovelace")
    with connection.cursor() as cursor:
        for name in search_index.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Contact.objects.filter(pk=ada.pk).update(name="Augusta King")

    call_command("migrate", verbosity=0)

    assert found(alice, "augusta") == [ada.pk]
    assert found(alice, "lovelace") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")
@pytest.mark.parametrize("many", [False, True])
def test_a_search_reads_the_index_not_the_names(people, many, monkeypatch):
    if many:  # more people found than are listed by id: the index is asked within the query
        monkeypatch.setattr(selectors, "PEOPLE_LISTED", 0)
    with CaptureQueriesContext(connection) as captured:
        assert len(selectors.contact_list(owner=people, query="velac")) == 1

    sql = [query["sql"] for query in captured.captured_queries]
    assert any(f"{search_index.TABLE} MATCH" in query for query in sql)
    assert not any("contacts_contact" in query and "LIKE" in query for query in sql)
    with connection.cursor() as cursor:
        for query in sql:
            cursor.execute("EXPLAIN QUERY PLAN " + query)
            steps = [row[-1] for row in cursor.fetchall()]
            assert not [step for step in steps if step.startswith("SCAN contacts_contact ")]
