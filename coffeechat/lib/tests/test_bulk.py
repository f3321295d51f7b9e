"""Rows written in bulk come back as written, with their ids in order, on either database."""

from django.db import connection

from coffeechat.contacts.models import Contact, Organization
from coffeechat.lib.bulk import ROWS_PER_STATEMENT, insert_rows
from coffeechat.portability.models import ImportBatch, ImportedContact


def _prepared(model, name, value):
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def _organizations(owner, names):
    """Every column of an organisation but its id, and a row for each name."""
    fields = [f for f in Organization._meta.concrete_fields if not f.primary_key]
    rows = []
    for name in names:
        template = Organization(owner=owner, name=name)
        rows.append(
            [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields]
        )
    return [f.column for f in fields], rows


def test_the_ids_come_back_in_the_order_of_the_rows(alice):
    names = [f"Organisation {n:04}" for n in range(ROWS_PER_STATEMENT + 7)]
    columns, rows = _organizations(alice, names)
    ids = insert_rows(Organization, columns, rows, returning_ids=True)
    assert len(ids) == len(set(ids)) == len(names)
    assert dict(Organization.objects.values_list("pk", "name")) == dict(
        zip(ids, names, strict=True)
    )


def test_json_values_and_a_shared_default_are_written_as_given(alice, contact):
    batch = ImportBatch.objects.create(owner=alice, kind="csv", filename="people.csv")
    second = Contact.objects.create(owner=alice, name="Ana Lima")
    shared = _prepared(ImportedContact, "filled", {})
    filled = {"title": "Editor, 100% remote", "other_emails": ["a@example.org"], "tags": [3]}
    rows = [
        (batch.pk, contact.pk, shared),
        (batch.pk, second.pk, _prepared(ImportedContact, "filled", filled)),
    ]

    assert insert_rows(ImportedContact, ["batch_id", "contact_id", "filled"], rows) == []

    written = {link.contact_id: link for link in ImportedContact.objects.all()}
    assert written[contact.pk].filled == {}
    assert written[second.pk].filled == filled


def test_progress_is_told_and_nothing_is_written_for_no_rows(alice):
    done = []
    columns, rows = _organizations(
        alice, [f"Organisation {n}" for n in range(2 * ROWS_PER_STATEMENT)]
    )
    assert insert_rows(Organization, columns, [], returning_ids=True, progress=done.append) == []
    assert not Organization.objects.exists() and done == []

    insert_rows(Organization, columns, rows, progress=done.append)
    assert done[-1] == len(rows) and done == sorted(done)
    assert Organization.objects.count() == len(rows)
