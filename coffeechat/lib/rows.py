"""Model instances from plain rows, for reads of many rows through a prepared query."""

from typing import Any, TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def from_values(
    model: type[M], values: dict[str, Any], *, db: str, related: dict[str, Any] | None = None
) -> M:
    """An instance of `model` from values read with a `values()` query, as Django makes one
    from a row (`Model.from_db`, its documented hook for loading instances).

    `values` are keyed by attribute name ("organization_id"); `related` holds objects of
    foreign keys read along (as `select_related` would), set through their descriptors. A
    field not given is deferred: it is read from the database on first use, as after
    `QuerySet.only()`.
    """
    # from_db takes the values in the order of the model's fields.
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    instance = model.from_db(db, names, [values[name] for name in names])
    for name, obj in (related or {}).items():
        setattr(instance, name, obj)
    return instance
