"""Booking a time, moving it, and what happened at that time: held, missed or cancelled.

Times are stored in UTC; `Conversation.time_zone` is the zone the time was agreed in, so the
booking can be shown and sent as the wall-clock time both people said, even across a
daylight-saving change.
"""

import copy
import uuid
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coffeechat.conversations.models import Conversation, Format, Reschedule, State
from coffeechat.conversations.services import TRANSITIONS, conversation_transition
from coffeechat.lib.model_checks import validate_instance
from coffeechat.lib.owned import Owner, check_owner
from coffeechat.lib.validation import MAX_YEAR, MIN_YEAR, check_year, tidy_line, validate_time_zone
from coffeechat.lib.validation import time_zone as lib_time_zone

MIN_MINUTES = 5
MAX_MINUTES = 180
PLACE_CHARS = 500
REASON_CHARS = 300


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_is_known(name: str) -> bool:
    return name in known_zones()


def zone_for(*names: str) -> ZoneInfo:
    """The first of `names` that is a known zone, else UTC."""
    for name in names:
        if name and zone_is_known(name):
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def local_start(*, day: date, at: time, time_zone: str) -> datetime:
    """The moment `day` at `at` o'clock in `time_zone`, refusing a wall time that never happens.

    When the clocks go forward an hour of wall time is skipped (02:30 in Berlin on the last
    Sunday of March); booking it would silently move the call, so it is refused instead. When
    they go back, the earlier of the two 02:30s is taken.
    """
    try:
        zone = lib_time_zone(time_zone)
    except ValidationError as error:
        raise ValidationError({"time_zone": error}) from None
    try:
        check_year(day)
    except ValidationError as error:
        raise ValidationError({"date": error}) from None
    start = datetime.combine(day, at, tzinfo=zone)
    if start.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != start.replace(tzinfo=None):
        raise ValidationError(
            {
                "time": f"{at:%H:%M} does not exist on {day:%d %B %Y} in {time_zone}: the "
                "clocks go forward then. Choose another time."
            }
        )
    return start


def _validated(
    *,
    start: datetime,
    time_zone: str,
    length_minutes: int,
    format: str,
    place: str,
    reason: str,
    now: datetime,
    happened: bool = False,
) -> tuple[str, str]:
    """Checks every field at once, so a form can show all the problems together."""
    errors: dict[str, str] = {}
    if start.tzinfo is None or start.utcoffset() is None:
        errors["start"] = "Give the start with its time zone."
    elif happened and start > now:
        errors["start"] = "That time is still to come: untick “It already happened” to book it."
    elif not happened and start <= now:
        errors["start"] = (
            "That time has already passed: choose a time from now on, or tick “It already "
            "happened” to record a conversation you have had."
        )
    elif not MIN_YEAR <= start.year <= MAX_YEAR:
        errors["start"] = f"Choose a date between {MIN_YEAR} and {MAX_YEAR}."
    try:
        validate_time_zone(time_zone or "")
    except ValidationError as error:
        errors["time_zone"] = " ".join(error.messages)
    if (
        isinstance(length_minutes, bool)
        or not isinstance(length_minutes, int)
        or not MIN_MINUTES <= length_minutes <= MAX_MINUTES
    ):
        errors["length_minutes"] = (
            f"The length is in minutes, from {MIN_MINUTES} to {MAX_MINUTES}; "
            "15 to 30 is the usual ask."
        )
    if format not in Format.values:
        errors["format"] = "Choose phone call, video call, coffee, lunch or in person."
    try:
        place = _folded(place, limit=PLACE_CHARS, label="The place or link")
    except ValidationError as error:
        errors["place"] = " ".join(error.messages)
    try:
        reason = _folded(reason, limit=REASON_CHARS, label="The reason")
    except ValidationError as error:
        errors["reason"] = " ".join(error.messages)
    if errors:
        raise ValidationError(errors)
    return place, reason


def _folded(value: str, *, limit: int, label: str) -> str:
    """A place or reason on one line: an address pasted over several lines is folded into one
    (spaces collapsed); control characters and more than `limit` characters are refused."""
    folded = tidy_line(" ".join((value or "").split()))
    if len(folded) > limit:
        raise ValidationError(f"{label} can be at most {limit} characters.")
    return folded


def event_uid(conversation: Conversation) -> str:
    """The calendar event's UID: the one stored when it was booked, which every update reuses.

    A booking saved without one (demo data, older rows) gets one made from its id, the same
    each time, so reading it never has to write; booking it again stores that one.
    """
    return (
        conversation.ics_uid or f"conversation:{conversation.pk}.{conversation.owner_id}@coffeechat"
    )


def booked_start(conversation: Conversation) -> datetime | None:
    """The booked start, when there is one in range (`booking_in_range`); else None."""
    return conversation.scheduled_for if booking_in_range(conversation) else None


def booking_in_range(conversation: Conversation) -> bool:
    """Whether the booked time can be shown and written in any time zone and any format.

    Bookings are checked when made; a row saved before that, or written around the services,
    may hold any date Python can, and its end or its local time may not exist.
    """
    start = conversation.scheduled_for
    try:
        return start is not None and MIN_YEAR <= start.astimezone(UTC).year <= MAX_YEAR
    except OverflowError:
        return False


def out_of_range_message(conversation: Conversation) -> str:
    """What to tell the user about a booking whose time is not in range."""
    start = conversation.scheduled_for
    # isoformat, not strftime: it writes year 1 as 0001.
    when = f" ({start.isoformat(sep=' ', timespec='minutes')[:16]} UTC)" if start else ""
    return (
        f"The booked time with {conversation.contact.name}{when} is outside the years "
        f"{MIN_YEAR} to {MAX_YEAR}: book the conversation again."
    )


def booking_minutes(conversation: Conversation) -> int:
    """The booked length, held to the lengths a booking may have."""
    return min(max(conversation.length_minutes or 0, MIN_MINUTES), MAX_MINUTES)


def booking_end(conversation: Conversation) -> datetime:
    """When a booking in range ends, in UTC.

    Added in UTC: a zone-aware datetime adds wall-clock time, which is an hour off across a
    daylight-saving change.
    """
    assert conversation.scheduled_for is not None
    return conversation.scheduled_for.astimezone(UTC) + timedelta(
        minutes=booking_minutes(conversation)
    )


@transaction.atomic
def conversation_schedule(
    *,
    owner: Owner,
    conversation: Conversation,
    start: datetime,
    time_zone: str,
    length_minutes: int,
    format: str,
    place: str = "",
    reason: str = "",
    now: datetime | None = None,
    happened: bool = False,
) -> Conversation:
    """Books `conversation` for `start`, or moves it there when it is already booked.

    A move keeps the conversation scheduled, records the old and new time with `reason`, and
    raises the invitation's sequence so calendars replace the event instead of adding one.
    Booking again after a no-show is recorded the same way: the missed time stays in history.

    With `happened`, `start` is a time already past that the conversation took place at (it
    was moved, often earlier, and the calendar was not): it is booked or moved there the same
    way, then marked held at that time.
    """
    check_owner(owner, conversation)
    now = now or timezone.now()
    rescheduling = conversation.state == State.SCHEDULED
    if not rescheduling and State.SCHEDULED not in TRANSITIONS[conversation.state]:
        raise ValidationError(
            f"A conversation that is {conversation.get_state_display().lower()} cannot be "
            "booked: start a new conversation with them instead.",
            code="transition",
        )
    place, reason = _validated(
        start=start,
        time_zone=time_zone,
        length_minutes=length_minutes,
        format=format,
        place=place,
        reason=reason,
        now=now,
        happened=happened,
    )
    if happened:
        try:
            _check_happened(conversation, start, now=now)
        except ValidationError as error:
            raise ValidationError({"start": error.message_dict["held_at"]}) from None
    # Kept in UTC, as the database returns it, so arithmetic on it is in absolute time.
    start = start.astimezone(UTC)
    previous = conversation.scheduled_for
    changed = (
        previous != start
        or conversation.time_zone != time_zone
        or conversation.length_minutes != length_minutes
        or conversation.format != format
        or conversation.place != place
    )
    if rescheduling and not changed:
        raise ValidationError("That is the booking as it stands: change the time or the details.")
    booking = {
        "scheduled_for": start,
        "time_zone": time_zone,
        "length_minutes": length_minutes,
        "format": format,
        "place": place,
    }
    # Checked on a copy before anything is written: the start must also be a date in range
    # on the clock of its zone.
    probe = copy.copy(conversation)
    for field, value in booking.items():
        setattr(probe, field, value)
    validate_instance(probe, fields=booking)
    if previous is not None and previous != start:
        reschedule = Reschedule(
            owner=owner,
            conversation=conversation,
            previous_start=previous,
            new_start=start,
            reason=reason,
        )
        validate_instance(reschedule)
        reschedule.save()
    if not rescheduling:
        conversation_transition(owner=owner, conversation=conversation, to=State.SCHEDULED, at=now)
    # An invitation may exist once there is a UID, or a booked time (whose invitation used the
    # UID made from its id); a change must supersede it.
    if conversation.ics_uid or previous is not None:
        conversation.ics_uid = event_uid(conversation)
        conversation.ics_sequence += 1
    else:
        conversation.ics_uid = f"{uuid.uuid4()}@coffeechat"
    for field, value in booking.items():
        setattr(conversation, field, value)
    conversation.save()
    if happened:
        conversation_mark_held(owner=owner, conversation=conversation, held_at=start, now=now)
    return conversation


@transaction.atomic
def conversation_cancel(
    *, owner: Owner, conversation: Conversation, reason: str = "", now: datetime | None = None
) -> Conversation:
    """Cancels the conversation; the invitation's next version tells calendars to drop it.

    `reason` is checked for length; the conversation has no field to keep it in, so say it in
    the message to the contact.
    """
    check_owner(owner, conversation)
    try:
        reason = _folded(reason, limit=REASON_CHARS, label="The reason")
    except ValidationError as error:
        raise ValidationError({"reason": error}) from None
    conversation_transition(
        owner=owner, conversation=conversation, to=State.CANCELLED, at=now or timezone.now()
    )
    conversation.ics_sequence += 1
    conversation.save(update_fields=["ics_sequence", "updated_at"])
    return conversation


def conversation_mark_no_show(
    *, owner: Owner, conversation: Conversation, now: datetime | None = None
) -> Conversation:
    """They did not turn up. The conversation stays open so another time can be booked."""
    check_owner(owner, conversation)
    now = now or timezone.now()
    start = conversation.scheduled_for
    if conversation.state == State.SCHEDULED and start is not None and start > now:
        raise ValidationError(
            "The conversation has not started yet: mark it a no-show once its time has come."
        )
    return conversation_transition(owner=owner, conversation=conversation, to=State.NO_SHOW, at=now)


def held_default(conversation: Conversation, *, now: datetime) -> datetime:
    """When the conversation most likely took place: its booked time once that has come,
    else now."""
    start = conversation.scheduled_for
    if start is not None and booking_in_range(conversation) and start <= now:
        return start
    return now


def _check_happened(conversation: Conversation, moment: datetime, *, now: datetime) -> None:
    """A time a conversation took place at: not in the future, not before the request."""
    try:
        check_year(moment)
    except ValidationError as error:
        raise ValidationError({"held_at": error}) from None
    if moment > now:
        raise ValidationError(
            {"held_at": "That is still to come: give the time you talked, today or earlier."}
        )
    asked = conversation.requested_at
    if asked is not None and moment < asked:
        zone = zone_for(conversation.time_zone)
        local = asked.astimezone(zone)
        raise ValidationError(
            {
                "held_at": "That is before you sent the request "
                f"({local.day} {local:%B %Y, %H:%M} {zone.key}): give the time you talked."
            }
        )


def conversation_mark_held(
    *,
    owner: Owner,
    conversation: Conversation,
    held_at: datetime | None = None,
    now: datetime | None = None,
) -> Conversation:
    """Marks a booked conversation held at the time it took place: any time after the
    request was sent, earlier than booked too. Without a time, the booked time once it has
    come, else now."""
    check_owner(owner, conversation)
    now = now or timezone.now()
    held_at = held_at or held_default(conversation, now=now)
    if held_at.tzinfo is None or held_at.utcoffset() is None:
        raise ValidationError({"held_at": "Give the time it was held with its time zone."})
    _check_happened(conversation, held_at, now=now)
    return conversation_transition(
        owner=owner, conversation=conversation, to=State.HELD, at=held_at
    )


def local_times(
    conversation: Conversation, *, user_zone: str, contact_zone: str
) -> list[tuple[str, datetime]]:
    """The start as the user's clock shows it and, when it shows otherwise, the contact's.

    Each entry is (a label such as "Your time (Europe/Berlin)", the start in that zone). An
    empty or unknown zone falls back to the conversation's zone, then UTC.
    """
    # Nothing for a booking out of range: its local times may not exist.
    start = booked_start(conversation)
    if start is None:
        return []
    mine = zone_for(user_zone, conversation.time_zone)
    theirs = zone_for(contact_zone, conversation.time_zone)
    my_start = start.astimezone(mine)
    times = [(f"Your time ({mine.key})", my_start)]
    their_start = start.astimezone(theirs)
    # Two zone names can share a clock (Paris and Berlin): one line is enough then.
    if their_start.replace(tzinfo=None) != my_start.replace(tzinfo=None):
        times.append((f"Their time ({theirs.key})", their_start))
    return times


def upcoming_conversations(*, owner: Owner, now: datetime | None = None) -> QuerySet[Conversation]:
    """Booked conversations that have not started yet, soonest first."""
    return (
        Conversation.objects.owned_by(owner)
        .filter(state=State.SCHEDULED, scheduled_for__gt=now or timezone.now())
        .select_related("contact", "contact__organization")
        .order_by("scheduled_for", "pk")
    )
