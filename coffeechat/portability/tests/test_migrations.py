"""Migrations that move data: the records of earlier imports come through them whole."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("contacts", "0011_fewer_contact_indexes"), ("portability", "0001_import_batches")]
AFTER = [
    ("contacts", "0012_contact_imported_by"),
    ("portability", "0002_created_people_named_on_them"),
]


def _migrated(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_people_an_import_created_name_it_and_lose_their_links_and_back():
    try:
        apps = _migrated(BEFORE)
        user = apps.get_model("auth", "User").objects.create(username="alice")
        Contact = apps.get_model("contacts", "Contact")
        ImportBatch = apps.get_model("portability", "ImportBatch")
        ImportedContact = apps.get_model("portability", "ImportedContact")
        first, second = (
            ImportBatch.objects.create(owner=user, kind="linkedin", filename=name)
            for name in ("one.csv", "two.csv")
        )
        ann, bo, cy = (Contact.objects.create(owner=user, name=n) for n in ("Ann", "Bo", "Cy"))
        ImportedContact.objects.create(batch=first, contact=ann, created=True, filled={})
        ImportedContact.objects.create(batch=first, contact=bo, created=True, filled={})
        # A later import filled in one of them.
        ImportedContact.objects.create(
            batch=second, contact=bo, created=False, filled={"title": "Editor"}
        )

        apps = _migrated(AFTER)
        Contact = apps.get_model("contacts", "Contact")
        ImportedContact = apps.get_model("portability", "ImportedContact")
        assert dict(Contact.objects.values_list("name", "imported_by")) == {
            "Ann": first.pk,
            "Bo": first.pk,
            "Cy": None,
        }
        assert list(ImportedContact.objects.values_list("batch", "contact", "filled")) == [
            (second.pk, bo.pk, {"title": "Editor"})
        ]

        apps = _migrated(BEFORE)
        ImportedContact = apps.get_model("portability", "ImportedContact")
        assert set(ImportedContact.objects.values_list("batch", "contact", "created")) == {
            (first.pk, ann.pk, True),
            (first.pk, bo.pk, True),
            (second.pk, bo.pk, False),
        }
        assert cy.pk not in set(ImportedContact.objects.values_list("contact", flat=True))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
