from django.db import models

from coffeechat.lib.owned import OwnedModel
from coffeechat.lib.validation import LineValidator, validate_year


class MarkAction(models.TextChoices):
    SNOOZE = "snooze", "Snoozed"
    DISMISS = "dismiss", "Dismissed"


class AgendaMark(OwnedModel):
    """A snooze or dismissal of one agenda item.

    Agenda items are computed, never stored; a mark names the item by a stable key
    (rule and object, e.g. ``thank_you:conversation:42``) and hides it until `until`.
    """

    item_key = models.CharField(max_length=120, validators=[LineValidator()])
    action = models.CharField(max_length=10, choices=MarkAction.choices)
    until = models.DateTimeField(null=True, blank=True, validators=[validate_year])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "item_key"], name="agenda_mark_unique_item"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.item_key}"
