"""Ownership: every row belongs to one user and every read goes through its owner."""

from django.conf import settings
from django.db import models

from coffeechat.lib.validation import validate_year


class OwnedQuerySet(models.QuerySet):
    def owned_by(self, owner) -> "OwnedQuerySet":
        return self.filter(owner=owner)


class OwnedModel(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, validators=[validate_year])
    updated_at = models.DateTimeField(auto_now=True, validators=[validate_year])

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True


def check_owner(owner, *objects) -> None:
    """Services are the last line: an object fetched without its owner is refused here."""
    for obj in objects:
        if obj is not None and obj.owner_id != owner.pk:
            raise PermissionError("That object belongs to another user.")


def owned_models() -> list[type[models.Model]]:
    """Every model whose rows belong to a user, with the tables of their many-to-many fields."""
    from django.apps import apps

    found: list[type[models.Model]] = []
    for model in apps.get_models():
        if issubclass(model, OwnedModel):
            found.append(model)
            found += [f.remote_field.through for f in model._meta.local_many_to_many]
    return found
