"""Snoozing, dismissing and restoring agenda items: the only agenda state that is stored."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.agenda.rules import agenda
from coffeechat.lib.model_checks import validate_instance
from coffeechat.lib.owned import Owner
from coffeechat.lib.validation import check_year

# A snooze ends within about a year (the last day a user may pick is this many days ahead);
# anything longer is a dismissal.
SNOOZE_MAX_DAYS = 366


def _check_on_agenda(*, owner: Owner, key: str, now: datetime) -> None:
    """Only an item on the owner's own agenda (showing or already hidden) can be marked."""
    current = agenda(owner=owner, now=now)
    if key not in {item.key for item in current.items + current.hidden}:
        raise ValidationError(
            "That item is not on your agenda any more: reload the page.", code="unknown_item"
        )


@transaction.atomic
def _mark(*, owner: Owner, key: str, action: str, until: datetime | None) -> AgendaMark:
    validate_instance(AgendaMark(owner=owner, item_key=key, action=action, until=until))
    mark, _ = AgendaMark.objects.update_or_create(
        owner=owner, item_key=key, defaults={"action": action, "until": until}
    )
    return mark


def agenda_snooze(
    *, owner: Owner, key: str, until: datetime, now: datetime | None = None
) -> AgendaMark:
    """Hides the item until `until`; it comes back by itself then, if it is still due."""
    now = now or timezone.now()
    if until.tzinfo is None or until.utcoffset() is None:
        raise ValidationError("Give the time with its time zone.")
    if until <= now:
        raise ValidationError("Choose a time in the future.")
    # The whole of the last day, wherever the user is.
    if until >= now + timedelta(days=SNOOZE_MAX_DAYS + 1):
        raise ValidationError("Snooze it for a year at most, or dismiss it.")
    check_year(until)
    _check_on_agenda(owner=owner, key=key, now=now)
    return _mark(owner=owner, key=key, action=MarkAction.SNOOZE, until=until)


def agenda_dismiss(*, owner: Owner, key: str, now: datetime | None = None) -> AgendaMark:
    """Hides the item for good. A new occasion (a new booking, the next round of keeping in
    touch) has a new key and shows again."""
    _check_on_agenda(owner=owner, key=key, now=now or timezone.now())
    return _mark(owner=owner, key=key, action=MarkAction.DISMISS, until=None)


def agenda_restore(*, owner: Owner, key: str) -> AgendaMark:
    """Undoes a snooze or a dismissal; returns the mark that was removed."""
    mark = AgendaMark.objects.owned_by(owner).filter(item_key=key).first()
    if mark is None:
        raise ValidationError("That item is not snoozed or dismissed.", code="not_marked")
    mark.delete()
    return mark
