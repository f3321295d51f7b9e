"""Model instances from plain rows, for reads of thousands of rows where speed matters."""

from typing import Any, TypeVar

from django.db.models import Model
from django.db.models.base import ModelState

M = TypeVar("M", bound=Model)


def from_values(
    model: type[M], values: dict[str, Any], *, db: str, related: dict[str, Any] | None = None
) -> M:
    """An instance of `model` from values read with `values_list`, as `Model.from_db` makes
    it but without running `Model.__init__`, which costs more than anything else a list of
    thousands of rows does with each row.

    `values` are keyed by attribute name ("organization_id"); `related` holds objects of
    foreign keys read along (as `select_related` would). A field not given is deferred: it
    is read from the database on first use, as after `QuerySet.only()`.
    """
    state = ModelState()
    state.adding = False
    state.db = db
    state.fields_cache = dict(related) if related else {}
    instance = model.__new__(model)
    instance.__dict__.update(values)
    instance._state = state
    return instance
