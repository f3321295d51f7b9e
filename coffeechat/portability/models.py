"""Imports as batches: what each import added, so it can be tagged, reviewed and undone."""

from django.db import models

from coffeechat.contacts.models import Contact, Tag
from coffeechat.lib.owned import OwnedModel
from coffeechat.lib.validation import LineValidator, validate_year


class ImportBatch(OwnedModel):
    """One import of one file, written in the same transaction as the people it added.

    `created_at` is set after its people are written: a person it created whose row changed
    later than that was edited since.
    """

    kind = models.CharField(max_length=20, validators=[LineValidator()])
    filename = models.CharField(max_length=255, validators=[LineValidator()])
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    # The people of the batch carry this tag; it is added to them when it is given.
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The organisations the import created, so undo can remove those it left empty.
    organization_ids = models.JSONField(default=list, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True, validators=[validate_year])
    removed_count = models.PositiveIntegerField(default=0)
    kept_count = models.PositiveIntegerField(default=0)
    reverted_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="import_batch_owner_idx")]

    def __str__(self) -> str:
        return self.filename


class ImportedContact(models.Model):
    """A person who was already there and whom an import filled in: `filled` holds each
    field it filled and the value it wrote, so undo reverts exactly those. The people an
    import created name it themselves (`Contact.imported_by`)."""

    # The unique constraint's index begins with the batch and serves as the batch's own.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="links", db_index=False
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="import_links")
    filled = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "contact"], name="imported_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.contact_id}"
