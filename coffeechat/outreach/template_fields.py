"""The merge fields a template can use: what each means, and their values for a message."""

import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coffeechat.accounts.services import profile_get
from coffeechat.conversations.models import Format
from coffeechat.conversations.scheduling import booking_in_range
from coffeechat.lib.owned import Owner

DEFAULT_MINUTES = "20"

FIELDS: dict[str, str] = {
    "first_name": "Their first name.",
    "last_name": "Their last name.",
    "full_name": "Their whole name as you saved it.",
    "organization": "The organisation they work for.",
    "title": "Their job title.",
    "why_them": "Why you are writing to them: the sentence you wrote to them on their page.",
    "our_connection": "How you are connected, as you wrote it to them on their page.",
    "referrer": "Who suggested you contact them, only when they said you may use the name.",
    "met_at": "Where you met them, as you wrote it on their page, e.g. the Climate Careers meetup.",
    "area": "What you are exploring, from the fields (or roles) on your pitch page.",
    "my_name": "Your name, from your pitch page.",
    "my_pitch": "Your short introduction, from your pitch page.",
    "my_pitch_sentence": "Your pitch in one sentence, as you would write it to a stranger, "
    "from your pitch page; empty until you write it.",
    "signature": "Your signature (your name when you have not written one).",
    "minutes": "How long the conversation is, in minutes (20 until it is booked).",
    "date": "The day of the booked conversation, in their time zone, e.g. Tuesday 24 November.",
    "time": "The start time of the booked conversation, in their time zone, e.g. 10:00.",
    "time_zone": "The time zone the date and time are given in.",
    "place": "Where you meet, or the link or number for the call.",
    "format": "How you meet: phone call, video call, coffee, lunch or meeting in person.",
    # Slots: written for one message when it is drafted, never read from a record.
    "takeaway": "The one thing from the conversation you thank them for, in your own words.",
    "article_title": "The title of the article you are sharing.",
    "article_link": "The link to the article you are sharing.",
    "update": "What you did with their advice since you spoke.",
    "their_news": "Their news you are congratulating them on, e.g. their new role.",
    "offer": "What you could do for them, as it follows “I could”, e.g. share my notes from "
    "the transit data meetup.",
    "moved_by": "Who moved the conversation, “me” or “them”.",
    "introduce_to": "Who you would like to be introduced to, e.g. the head of research at Fernleaf.",
    "introduce_why": "Why you would like to meet them, in one sentence.",
}

# The fields the user writes for each message. A template that uses one cannot be drafted
# until it is filled: an article without a title or congratulations without the news would
# be a shell that tells the reader it came from a form.
SLOTS: dict[str, str] = {
    name: FIELDS[name]
    for name in (
        "takeaway",
        "article_title",
        "article_link",
        "update",
        "their_news",
        "offer",
        "moved_by",
        "introduce_to",
        "introduce_why",
    )
}
# How each slot is named to the user when it is missing.
SLOT_LABELS = {
    "takeaway": "the takeaway",
    "article_title": "the article's title",
    "article_link": "the article's link",
    "update": "your update",
    "their_news": "their news",
    "offer": "what you offer",
    "moved_by": "who moved it",
    "introduce_to": "who you would like to meet",
    "introduce_why": "why you would like to meet them",
}
MOVED_BY = ("me", "them")

# Fields that were private notes and are no longer filled into messages, with what to use.
RETIRED_FIELDS = {
    "their_work": "why_them",
    "connection": "our_connection",
}

# Values for the live preview: an invented person, a booked call and each slot filled.
SAMPLE_FIELDS: dict[str, str] = {
    "first_name": "Priya",
    "last_name": "Raman",
    "full_name": "Priya Raman",
    "organization": "Northwind Transit",
    "title": "Senior Service Designer",
    "why_them": "Your talk on redesigning bus timetables with riders is why I am writing.",
    "our_connection": "We both studied at Northbank University.",
    "referrer": "Sam Okafor",
    "met_at": "the Climate Careers meetup",
    "minutes": "20",
    "date": "Tuesday 24 November",
    "time": "10:00",
    "time_zone": "Europe/London (GMT)",
    "place": "https://meet.example/priya-raman",
    "format": "video call",
    "takeaway": "your advice to run one small study with real riders before applying anywhere",
    "article_title": "Timetables people can read",
    "article_link": "https://example.org/timetables",
    "update": "I ran a small study with six riders and wrote it up as a case study",
    "their_news": "your new role leading design at Northwind",
    "offer": "share my notes from the rider workshops I ran in the spring",
    "moved_by": "them",
    "introduce_to": "Sam Okafor at Northwind Transit",
    "introduce_why": "I would like to hear how their team researches with riders",
}


def _one_line(text: str) -> str:
    """A note made fit for the middle of a sentence: one line, no closing full stop."""
    return " ".join((text or "").split()).rstrip(" .")


def _sentence(text: str) -> str:
    """A sentence the user wrote to the person: one line, capitalised, ending in a stop."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def _looks_proper(word: str) -> bool:
    """An acronym (UX), a name with capitals inside (GitHub), or a word with digits."""
    return word.isupper() or any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word)


def natural_list(text: str) -> str:
    """Interests typed as a list, made to read mid-sentence: "Climate adaptation, public
    services, energy" becomes "climate adaptation, public services and energy".

    The first item loses its capital (the user capitalised it because it began the field),
    as do all items when every one was capitalised (a list typed in title case); acronyms
    and names with capitals inside keep theirs, and so does anything after the first word.
    """
    items = [" ".join(i.split()).strip(" .") for i in re.split(r"[,;\n]", text or "")]
    items = [i for i in items if i]
    if not items:
        return ""
    all_capitalised = all(i[0].isupper() for i in items)
    lowered = []
    for position, item in enumerate(items):
        first = item.split(" ", 1)[0]
        if (position == 0 or all_capitalised) and not _looks_proper(first):
            item = item[0].lower() + item[1:]
        lowered.append(item)
    if len(lowered) == 1:
        return lowered[0]
    if " and " in lowered[-1]:
        # Already joined by the user: "a, b and c".
        return ", ".join(lowered)
    return ", ".join(lowered[:-1]) + " and " + lowered[-1]


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


def _my_fields(owner: Owner, profile) -> dict[str, str]:
    """The sender's own fields, from their pitch page."""
    my_name = profile.display_name.strip() or owner.get_full_name()
    return {
        "area": natural_list(profile.goal_fields) or natural_list(profile.goal_roles),
        "my_name": my_name,
        "my_pitch": profile.pitch.strip(),
        "my_pitch_sentence": _sentence(profile.pitch_sentence),
        "signature": profile.signature.strip() or my_name,
    }


def _meeting_fields(conversation, contact, profile) -> dict[str, str]:
    if conversation is None:
        return {"minutes": DEFAULT_MINUTES}
    fields = {
        "minutes": str(conversation.length_minutes or DEFAULT_MINUTES),
        "format": Format.in_words(conversation.format),
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


def merge_fields(
    *, owner: Owner, contact, conversation=None, slots: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The values of every field for a message from `owner` to `contact`.

    Only what the user wrote for messages goes in: the private notes on a person (how you
    are connected, their work, research) are never read here, and a referrer is named only
    when they said their name may be used.
    """
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
        "why_them": _sentence(contact.why_them),
        "our_connection": _sentence(contact.our_connection),
        "referrer": referrer.name if referrer is not None else "",
        "met_at": _one_line(contact.met_at),
        **_my_fields(owner, profile),
        "minutes": DEFAULT_MINUTES,
        "date": "",
        "time": "",
        "time_zone": "",
        "place": "",
        "format": "",
    }
    fields.update(_meeting_fields(conversation, contact, profile))
    for name, value in (slots or {}).items():
        if name in SLOTS:
            fields[name] = _one_line(value) if name != "article_link" else value.strip()
    return {name: (value or "").strip() for name, value in fields.items()}


def sample_fields(*, owner: Owner) -> dict[str, str]:
    """The preview's values: the invented person above, with the owner's own name and pitch."""
    return {**SAMPLE_FIELDS, **_my_fields(owner, profile_get(owner=owner))}
