"""The people an import created name it themselves (`Contact.imported_by`) instead of each
having a link row: the links left are those of people an import filled in."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def created_on_the_people(apps, schema_editor) -> None:
    Contact = apps.get_model("contacts", "Contact")
    ImportedContact = apps.get_model("portability", "ImportedContact")
    created = ImportedContact.objects.filter(created=True)
    Contact.objects.filter(pk__in=created.values("contact_id")).update(
        imported_by=Subquery(created.filter(contact=OuterRef("pk")).values("batch_id")[:1])
    )
    created.delete()


def created_as_links(apps, schema_editor) -> None:
    Contact = apps.get_model("contacts", "Contact")
    ImportedContact = apps.get_model("portability", "ImportedContact")
    people = Contact.objects.filter(imported_by__isnull=False).values_list("pk", "imported_by")
    ImportedContact.objects.bulk_create(
        [
            ImportedContact(batch_id=batch, contact_id=contact, created=True, filled={})
            for contact, batch in people.iterator()
        ],
        batch_size=1000,
    )
    Contact.objects.filter(imported_by__isnull=False).update(imported_by=None)


class Migration(migrations.Migration):
    dependencies = [
        ("portability", "0001_import_batches"),
        ("contacts", "0012_contact_imported_by"),
    ]

    operations = [
        # A default, so that undoing the removal below can add the column back.
        migrations.AlterField(
            model_name="importedcontact",
            name="created",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(created_on_the_people, created_as_links, elidable=False),
        migrations.RemoveField(model_name="importedcontact", name="created"),
        migrations.AlterField(
            model_name="importedcontact",
            name="batch",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="links",
                to="portability.importbatch",
            ),
        ),
    ]
