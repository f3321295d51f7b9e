"""Ownership: every row belongs to one user and every read goes through its owner."""

from typing import TypeAlias, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models

from coffeechat.lib.validation import validate_year

# Who a row belongs to. Named once, so a custom user model would be a change in one place.
Owner: TypeAlias = User


_Row = TypeVar("_Row", bound=models.Model)


class OwnedQuerySet(models.QuerySet[_Row, _Row]):
    def owned_by(self, owner: Owner) -> "OwnedQuerySet[_Row]":
        return self.filter(owner=owner)


class OwnedModel(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, validators=[validate_year])
    updated_at = models.DateTimeField(auto_now=True, validators=[validate_year])

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True


def check_owner(owner: Owner, *objects: "OwnedModel | None") -> None:
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
            found += [
                through
                for field in model._meta.local_many_to_many
                if (through := field.remote_field.through) is not None
            ]
    return found
