"""Model instances from plain rows: as Django loads them, deferred fields and all."""

from django.db import connection

from coffeechat.contacts.models import Contact, Organization
from coffeechat.lib.rows import from_values


def test_it_makes_a_saved_instance_with_its_related_object_and_defers_the_rest(alice):
    organization = Organization.objects.create(owner=alice, name="Brightwell")
    saved = Contact.objects.create(
        owner=alice, name="Ada Lovelace", title="Analyst", organization=organization
    )

    contact = from_values(
        Contact,
        {
            "id": saved.pk,
            "owner_id": alice.pk,
            "name": "Ada Lovelace",
            "organization_id": organization.pk,
        },
        db=connection.alias,
        related={"organization": organization},
    )

    assert not contact._state.adding and contact._state.db == connection.alias
    assert (contact.pk, contact.name, contact.organization) == (
        saved.pk,
        "Ada Lovelace",
        organization,
    )
    assert "title" in contact.get_deferred_fields()
    assert contact.title == "Analyst"  # read on first use
