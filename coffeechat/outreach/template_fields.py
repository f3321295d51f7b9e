"""The merge fields a template can use: what each means, and their values for a message."""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coffeechat.accounts.services import profile_get
from coffeechat.conversations.scheduling import booking_in_range

DEFAULT_MINUTES = "20"

FIELDS: dict[str, str] = {
    "first_name": "Their first name.",
    "last_name": "Their last name.",
    "full_name": "Their whole name as you saved it.",
    "organization": "The organisation they work for.",
    "title": "Their job title.",
    "their_work": "The project, article or talk of theirs you noted as a reason to write.",
    "connection": "How you are connected: a mutual contact, a shared school or group.",
    "referrer": "Who suggested you contact them, only when they said you may use the name.",
    "area": "What you are exploring, from the fields (or roles) on your pitch page.",
    "my_name": "Your name, from your pitch page.",
    "my_pitch": "Your short introduction, from your pitch page.",
    "signature": "Your signature (your name when you have not written one).",
    "minutes": "How long the conversation is, in minutes (20 until it is booked).",
    "date": "The day of the booked conversation, in their time zone, e.g. Tuesday 24 November.",
    "time": "The start time of the booked conversation, in their time zone, e.g. 10:00.",
    "time_zone": "The time zone the date and time are given in.",
    "place": "Where you meet, or the link or number for the call.",
    "format": "How you meet: phone call, video call, coffee, lunch or meeting in person.",
    "takeaway": "The one thing from the conversation you chose to thank them for.",
}

# Values for the live preview: an invented person, a booked call and a takeaway.
SAMPLE_FIELDS: dict[str, str] = {
    "first_name": "Priya",
    "last_name": "Raman",
    "full_name": "Priya Raman",
    "organization": "Northwind Transit",
    "title": "Senior Service Designer",
    "their_work": "your talk on redesigning bus timetables with riders",
    "connection": "We both studied at Northbank University",
    "referrer": "Sam Okafor",
    "minutes": "20",
    "date": "Tuesday 24 November",
    "time": "10:00",
    "time_zone": "Europe/London (GMT)",
    "place": "https://meet.example/priya-raman",
    "format": "video call",
    "takeaway": "your advice to run one small study with real riders before applying anywhere",
}

_FORMAT_WORDS = {
    "phone": "phone call",
    "video": "video call",
    "coffee": "coffee",
    "lunch": "lunch",
    "in_person": "meeting in person",
}


def _one_line(text: str) -> str:
    """A note made fit for the middle of a sentence: one line, no closing full stop."""
    return " ".join((text or "").split()).rstrip(" .")


def _zone(*names: str) -> ZoneInfo:
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def _zone_label(zone: ZoneInfo, moment: datetime) -> str:
    abbreviation = moment.tzname() or ""
    if not abbreviation or abbreviation == zone.key or abbreviation[0] in "+-":
        return zone.key
    return f"{zone.key} ({abbreviation})"


def _my_fields(owner, profile) -> dict[str, str]:
    """The sender's own fields, from their pitch page."""
    my_name = profile.display_name.strip() or owner.get_full_name()
    return {
        "area": _one_line(profile.goal_fields) or _one_line(profile.goal_roles),
        "my_name": my_name,
        "my_pitch": profile.pitch.strip(),
        "signature": profile.signature.strip() or my_name,
    }


def _meeting_fields(conversation, contact, profile) -> dict[str, str]:
    if conversation is None:
        return {"minutes": DEFAULT_MINUTES}
    fields = {
        "minutes": str(conversation.length_minutes or DEFAULT_MINUTES),
        "format": _FORMAT_WORDS.get(conversation.format, conversation.format),
        "place": conversation.place.strip(),
    }
    # A booking out of range (an older row) has no day or time to say: those fields stay empty.
    if booking_in_range(conversation):
        # Said in the time of the person who has to turn up, when we know where they are.
        zone = _zone(contact.time_zone, conversation.time_zone, profile.time_zone)
        start = conversation.scheduled_for.astimezone(zone)
        fields["date"] = f"{start:%A} {start.day} {start:%B}"
        fields["time"] = f"{start:%H:%M}"
        fields["time_zone"] = _zone_label(zone, start)
    return fields


def merge_fields(*, owner, contact, conversation=None, takeaway: str = "") -> dict[str, str]:
    """The values of every field for a message from `owner` to `contact`."""
    if contact.owner_id != owner.pk or (
        conversation is not None and conversation.owner_id != owner.pk
    ):
        raise PermissionError("That contact belongs to another user.")
    profile = profile_get(owner=owner)
    referrer = contact.referred_by if contact.may_use_referrer_name else None
    fields = {
        "first_name": contact.first_name or contact.name,
        "last_name": contact.last_name,
        "full_name": contact.name,
        "organization": contact.organization.name if contact.organization else "",
        "title": contact.title,
        "their_work": _one_line(contact.their_work),
        "connection": _one_line(contact.connection_note),
        "referrer": referrer.name if referrer is not None else "",
        **_my_fields(owner, profile),
        "minutes": DEFAULT_MINUTES,
        "date": "",
        "time": "",
        "time_zone": "",
        "place": "",
        "format": "",
        "takeaway": _one_line(takeaway),
    }
    fields.update(_meeting_fields(conversation, contact, profile))
    return {name: (value or "").strip() for name, value in fields.items()}


def sample_fields(*, owner) -> dict[str, str]:
    """The preview's values: the invented person above, with the owner's own name and pitch."""
    return {**SAMPLE_FIELDS, **_my_fields(owner, profile_get(owner=owner))}
