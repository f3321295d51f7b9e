"""Imports as batches: recorded with the import, tagged, reviewed and undone exactly."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from coffeechat.agenda.models import AgendaMark
from coffeechat.contacts.models import Contact, Organization, Source, Tag
from coffeechat.contacts.selectors import contact_list
from coffeechat.contacts.services import contact_create, contact_update
from coffeechat.conversations.models import Conversation, Takeaway
from coffeechat.outreach.models import Message
from coffeechat.portability.batches import (
    batch_list,
    batch_people,
    batch_tag,
    batch_undo,
    undo_plan,
)
from coffeechat.portability.importers import IncomingContact, import_contacts, parse_file
from coffeechat.portability.models import ImportBatch, ImportedContact

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def linkedin(owner, rows: str, filename: str = "Connections.csv"):
    people = parse_file("linkedin", (HEADER + rows).encode(), filename=filename)
    return import_contacts(owner=owner, incoming=people, kind="linkedin", filename=filename)


def names(owner) -> list[str]:
    return sorted(Contact.objects.owned_by(owner).values_list("name", flat=True))


THREE = (
    "Ann,Lee,https://www.linkedin.com/in/ann-lee,,Loom,CTO,12 Mar 2024\n"
    "Bo,Chan,https://www.linkedin.com/in/bo-chan,,Loom,CEO,12 Mar 2024\n"
    "Cy,Diaz,https://www.linkedin.com/in/cy-diaz,,Quill,Analyst,12 Mar 2024\n"
)


def test_an_import_is_recorded_as_a_batch_with_the_people_it_created(alice):
    summary = linkedin(alice, THREE)
    batch = summary.batch
    assert (batch.owner, batch.kind, batch.filename) == (alice, "linkedin", "Connections.csv")
    assert (batch.created_count, batch.updated_count, batch.skipped_count) == (3, 0, 0)
    people = batch_people(owner=alice, batch=batch)
    assert sorted(p.name for p in people) == ["Ann Lee", "Bo Chan", "Cy Diaz"]
    # Named on the people themselves: a link is only for someone it filled in.
    assert set(Contact.objects.filter(imported_by=batch)) == set(people)
    assert not ImportedContact.objects.filter(batch=batch).exists()
    assert len(batch.organization_ids) == 2


def test_deleting_a_batch_keeps_its_people_and_forgets_where_they_came_from(alice):
    batch = linkedin(alice, THREE).batch
    batch.delete()
    assert (
        list(Contact.objects.filter(owner=alice).values_list("imported_by", flat=True))
        == [None] * 3
    )


def test_a_dry_run_records_no_batch(alice):
    people = parse_file("linkedin", (HEADER + THREE).encode(), filename="Connections.csv")
    summary = import_contacts(owner=alice, incoming=people, dry_run=True, kind="linkedin")
    assert summary.batch is None
    assert not ImportBatch.objects.exists()


def test_a_refused_file_records_no_batch(alice):
    people = [
        IncomingContact(name="Ann", file="x.csv", line=2),
        IncomingContact(name="Bo", emails=["not an address"], file="x.csv", line=3),
    ]
    with pytest.raises(ValidationError):
        import_contacts(owner=alice, incoming=people, kind="google", filename="x.csv")
    assert not ImportBatch.objects.exists() and not Contact.objects.exists()


def test_it_records_which_empty_fields_it_filled_on_people_already_there(alice):
    ann = contact_create(owner=alice, name="Ann Lee", email="ann@loom.example", phone="+1 555")
    rows = "Ann,Lee,https://www.linkedin.com/in/ann-lee,ann@loom.example,Loom,CTO,12 Mar 2024\n"
    batch = linkedin(alice, rows).batch
    assert (batch.created_count, batch.updated_count) == (0, 1)
    link = ImportedContact.objects.get(batch=batch, contact=ann)
    ann.refresh_from_db()
    assert ann.imported_by is None
    assert link.filled == {
        "linkedin_url": "https://www.linkedin.com/in/ann-lee",
        "organization": "Loom",
        "title": "CTO",
        "connected_on": "2024-03-12",
        "source": "linkedin",
    }


# People without a name -------------------------------------------------------------------


GOOGLE_HEADER = "First Name,Last Name,Organization Name,Labels,E-mail 1 - Value\n"


def google(owner, rows: str):
    people = parse_file("google", (GOOGLE_HEADER + rows).encode(), filename="contacts.csv")
    return import_contacts(owner=owner, incoming=people, kind="google", filename="contacts.csv")


def test_a_person_without_a_name_is_imported_under_their_email_or_organisation(alice):
    summary = google(
        alice,
        "Ada,Lovelace,,,\n,,Loom,,press@loom.example\n,,Quill,,\n,,,* myContacts,\n",
    )
    assert (summary.new, summary.unnamed) == (3, [5])
    assert names(alice) == ["Ada Lovelace", "Quill", "press@loom.example"]
    press = Contact.objects.get(owner=alice, name="press@loom.example")
    assert press.organization.name == "Loom" and press.email == "press@loom.example"
    assert (press.first_name, press.last_name) == ("", "")
    assert "1 left out with no name (line 5)" in str(summary)
    assert summary.batch.skipped_count == 1


def test_two_people_without_names_at_one_organisation_stay_two(alice):
    summary = google(alice, ",,Loom,,a@loom.example\n,,Loom,,b@loom.example\n,,Loom,,\n")
    assert summary.new == 3
    assert names(alice) == ["Loom", "a@loom.example", "b@loom.example"]


def test_a_file_of_only_unnamed_rows_imports_nobody_and_says_which_lines(alice):
    summary = linkedin(alice, ",,,,,,12 Mar 2024\n,,,,,,13 Mar 2024\n")
    assert (summary.new, summary.unnamed) == (0, [2, 3])
    assert "2 left out with no name (lines 2 and 3)" in str(summary)


def test_a_nameless_row_takes_the_name_a_later_row_gives_the_same_person(alice):
    google(alice, ",,Loom,,ann@loom.example\nAnn,Lee,Loom,,ann@loom.example\n")
    assert names(alice) == ["Ann Lee"]


# Tagging and reviewing --------------------------------------------------------------------


def test_tagging_a_batch_tags_its_people_and_filters_the_people_list(alice):
    contact_create(owner=alice, name="Zed Old")
    batch = linkedin(alice, THREE).batch
    tag = batch_tag(owner=alice, batch=batch, name=" conference 2026 ")
    assert tag.name == "conference 2026"
    tagged = contact_list(owner=alice, tag="Conference 2026")
    assert sorted(c.name for c in tagged) == ["Ann Lee", "Bo Chan", "Cy Diaz"]
    assert sorted(c.name for c in contact_list(owner=alice, batch=batch.pk)) == [
        "Ann Lee",
        "Bo Chan",
        "Cy Diaz",
    ]
    # Again, with a tag that exists: nobody is tagged twice.
    assert batch_tag(owner=alice, batch=batch, name="CONFERENCE 2026") == tag
    assert Tag.objects.owned_by(alice).count() == 1
    batch.refresh_from_db()
    assert batch.tag == tag


def test_a_tag_name_is_checked(alice):
    batch = linkedin(alice, THREE).batch
    for bad in ["", "a, b", "x" * 51, "line\nbreak"]:
        with pytest.raises(ValidationError):
            batch_tag(owner=alice, batch=batch, name=bad)
    assert not Tag.objects.exists()


def test_tagging_is_not_activity_that_keeps_people_from_undo(alice):
    batch = linkedin(alice, THREE).batch
    batch_tag(owner=alice, batch=batch, name="met at the fair")
    assert len(undo_plan(owner=alice, batch=batch).remove) == 3


# Undoing ---------------------------------------------------------------------------------


def _later(batch: ImportBatch) -> None:
    """Moves the import and what it wrote an hour back, so a change made now is later."""
    hour = timedelta(hours=1)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=F("created_at") - hour)
    people = batch_people(owner=batch.owner, batch=batch)
    Contact.objects.filter(pk__in=people.values("pk")).update(updated_at=F("updated_at") - hour)
    made = Organization.objects.filter(pk__in=batch.organization_ids)
    made.update(updated_at=F("updated_at") - hour)
    batch.refresh_from_db()


def test_undo_removes_the_people_it_created_and_the_organisations_it_left_empty(alice):
    contact_create(owner=alice, name="Zed Old", organization_name="Loom")
    batch = linkedin(alice, THREE).batch
    result = batch_undo(owner=alice, batch=batch)
    assert (result.removed, result.kept, result.reverted) == (3, 0, 0)
    assert names(alice) == ["Zed Old"]
    # Loom was there before; Quill came with the import and goes with it.
    assert list(Organization.objects.owned_by(alice).values_list("name", flat=True)) == ["Loom"]
    batch.refresh_from_db()
    assert batch.undone_at is not None and batch.removed_count == 3


@pytest.mark.parametrize(
    "activity",
    ["conversation", "message", "edited", "referrer", "referral", "agenda_mark"],
)
def test_undo_keeps_people_with_activity_since_the_import(alice, activity):
    batch = linkedin(alice, THREE).batch
    _later(batch)
    ann = Contact.objects.get(owner=alice, name="Ann Lee")
    if activity == "conversation":
        Conversation.objects.create(owner=alice, contact=ann)
    elif activity == "message":
        Message.objects.create(owner=alice, contact=ann, kind="request")
    elif activity == "edited":
        contact_update(owner=alice, contact=ann, research_notes="Wrote the Loom paper.")
    elif activity == "referrer":
        contact_create(owner=alice, name="Dee Fox", referred_by=ann)
    elif activity == "referral":
        other = contact_create(owner=alice, name="Dee Fox")
        held = Conversation.objects.create(owner=alice, contact=other)
        Takeaway.objects.create(
            owner=alice, conversation=held, kind="referral", text="Ann", referral_contact=ann
        )
    else:
        AgendaMark.objects.create(
            owner=alice, item_key=f"keep_in_touch:contact:{ann.pk}:2026-12-01", action="dismiss"
        )
    plan = undo_plan(owner=alice, batch=batch)
    assert [c.name for c in plan.keep] == ["Ann Lee"]
    assert [c.name for c in plan.remove] == ["Bo Chan", "Cy Diaz"]
    result = batch_undo(owner=alice, batch=batch)
    assert (result.removed, result.kept) == (2, 1)
    assert "Ann Lee" in names(alice) and "Bo Chan" not in names(alice)
    # Loom still has Ann, so it stays; Quill is left empty and goes.
    assert "Loom" in Organization.objects.owned_by(alice).values_list("name", flat=True)
    assert "Quill" not in Organization.objects.owned_by(alice).values_list("name", flat=True)


def test_undo_takes_back_the_fields_it_filled_unless_they_changed_since(alice):
    ann = contact_create(owner=alice, name="Ann Lee", email="ann@loom.example", phone="+1 555")
    bo = contact_create(owner=alice, name="Bo Chan", email="bo@loom.example")
    tag = Tag.objects.create(owner=alice, name="friends")
    bo.tags.add(tag)
    rows = (
        "Ann,Lee,https://www.linkedin.com/in/ann-lee,ann@loom.example,Loom,CTO,12 Mar 2024\n"
        "Bo,Chan,https://www.linkedin.com/in/bo-chan,bo@loom.example,Loom,CEO,12 Mar 2024\n"
    )
    batch = linkedin(alice, rows).batch
    assert batch.updated_count == 2
    # Since the import, the user rewrote Bo's title; the rest is as the import left it.
    bo.refresh_from_db()
    contact_update(owner=alice, contact=bo, title="Chief Executive")
    plan = undo_plan(owner=alice, batch=batch)
    assert not plan.remove and not plan.keep
    fields = {r.contact.name: (sorted(r.fields), r.changed) for r in plan.reverts}
    assert fields["Ann Lee"] == (
        ["connected_on", "linkedin_url", "organization", "source", "title"],
        [],
    )
    assert fields["Bo Chan"][1] == ["title"]
    result = batch_undo(owner=alice, batch=batch)
    assert result.reverted == 2
    ann.refresh_from_db()
    bo.refresh_from_db()
    assert (ann.linkedin_url, ann.title, ann.organization, ann.connected_on) == ("", "", None, None)
    assert (ann.source, ann.phone, ann.email) == (Source.COLD, "+1 555", "ann@loom.example")
    assert (bo.title, bo.linkedin_url, bo.organization) == ("Chief Executive", "", None)
    assert list(bo.tags.all()) == [tag]
    assert not Organization.objects.owned_by(alice).exists()


def test_undo_takes_back_added_emails_and_tags(alice):
    ann = contact_create(owner=alice, name="Ann Lee", email="ann@loom.example")
    rows = "Ann,Lee,,Loom,,* friends ::: Met at fair,ann@loom.example ::: ann@home.example\n"
    people = parse_file(
        "google",
        (
            "First Name,Last Name,Notes,Organization Name,Organization Title,Labels,"
            "E-mail 1 - Value\n" + rows
        ).encode(),
        filename="contacts.csv",
    )
    batch = import_contacts(owner=alice, incoming=people, kind="google", filename="c.csv").batch
    ann.refresh_from_db()
    assert ann.other_emails == ["ann@home.example"]
    assert sorted(t.name for t in ann.tags.all()) == ["Met at fair", "friends"]
    batch_undo(owner=alice, batch=batch)
    ann.refresh_from_db()
    assert ann.other_emails == [] and list(ann.tags.all()) == []
    assert ann.organization is None


def test_undo_is_idempotent(alice):
    batch = linkedin(alice, THREE).batch
    first = batch_undo(owner=alice, batch=batch)
    contact_create(owner=alice, name="Ann Lee")  # a new Ann, made by hand after the undo
    again = batch_undo(owner=alice, batch=batch)
    assert again.already and (again.removed, again.kept) == (first.removed, first.kept)
    assert names(alice) == ["Ann Lee"]
    batch.refresh_from_db()
    assert undo_plan(owner=alice, batch=batch).done


def test_undo_is_all_or_nothing(alice, monkeypatch):
    batch = linkedin(alice, THREE).batch
    before = names(alice)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Organization.objects, "filter", broken)
    with pytest.raises(RuntimeError):
        batch_undo(owner=alice, batch=batch)
    assert names(alice) == before
    batch.refresh_from_db()
    assert batch.undone_at is None


def test_a_later_import_that_fills_in_a_person_keeps_them_from_the_first_undo(alice):
    first = linkedin(alice, THREE).batch
    _later(first)
    linkedin(alice, "Ann,Lee,https://www.linkedin.com/in/ann-lee,ann@x.example,Loom,CTO,\n")
    plan = undo_plan(owner=alice, batch=first)
    assert [c.name for c in plan.keep] == ["Ann Lee"]


def test_another_users_batch_cannot_be_tagged_or_undone(alice, bob):
    batch = linkedin(alice, THREE).batch
    with pytest.raises(PermissionError):
        batch_undo(owner=bob, batch=batch)
    with pytest.raises(PermissionError):
        batch_tag(owner=bob, batch=batch, name="mine")
    assert not batch_list(owner=bob).exists()
    assert len(names(alice)) == 3
    assert undo_plan(owner=bob, batch=batch).remove == []


def test_a_restore_from_an_export_leaves_no_batches_behind(alice, tmp_path):
    import io
    import json

    from coffeechat.portability.exporters import export_json
    from coffeechat.portability.json_restore import restore_json

    linkedin(alice, THREE)
    buffer = io.StringIO()
    export_json(owner=alice, stream=buffer)
    restore_json(owner=alice, data=json.loads(buffer.getvalue()))
    assert not ImportBatch.objects.exists()
    assert names(alice) == ["Ann Lee", "Bo Chan", "Cy Diaz"]


def test_connected_on_is_recorded_as_a_date(alice):
    ann = contact_create(owner=alice, name="Ann Lee", email="ann@loom.example")
    batch = linkedin(alice, "Ann,Lee,,ann@loom.example,,,01 Feb 2024\n").batch
    assert ImportedContact.objects.get(batch=batch, contact=ann).filled == {
        "connected_on": date(2024, 2, 1).isoformat(),
        "source": "linkedin",
    }
