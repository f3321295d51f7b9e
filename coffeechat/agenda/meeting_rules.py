"""The agenda's rules about people to meet: asking someone the user knows for an
introduction, and a note after meeting someone at an event.

Each rule reads the snapshot (`AgendaData.introductions`, `AgendaData.met_at_events`) and
returns its items; the table of rules is in `rules`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from coffeechat.agenda.items import AgendaItem, Suggestion, first_name, is_hidden, link, make_item
from coffeechat.agenda.snapshot import EVENT_NOTE_DAYS, INTRODUCTIONS_AT_ONCE, AgendaData
from coffeechat.agenda.timing import day_text, midnight

# How the user knows an introducer, in words for an item.
_KNOWN_AS = {
    "friend_family": "a friend or relative",
    "former_colleague": "a former colleague",
}


def ask_introduction(data: AgendaData) -> list[AgendaItem]:
    """Someone the user wants to meet can be introduced by someone they know: the person
    noted on their page, or someone known well at their organisation (see the snapshot's
    `_people_to_meet`). One item per person to meet, INTRODUCTIONS_AT_ONCE showing."""
    items, showing = [], 0
    for person in data.introductions:
        introducer = person.introduce_through
        if person.introducer_noted:
            why = f"You noted that {first_name(introducer)} could introduce you."
        else:
            known = _KNOWN_AS.get(
                person.introducer_source, "someone you have talked with and thanked"
            )
            why = (
                f"{first_name(person)} works at {person.organization}, where "
                f"{first_name(introducer)} works, and {first_name(introducer)} is {known}."
            )
        where = f" at {person.organization}" if person.organization else ""
        item = make_item(
            "ask_introduction",
            f"contact:{person.pk}",
            title=f"Ask {introducer.name} to introduce you to {person.name}",
            reason=(
                f"{why} An introduction from someone they know is warmer than a message out "
                f"of the blue. Say in one line why you would like to meet {first_name(person)}."
            ),
            due_at=data.today_start,
            contact=introducer,
            action_url=link(data.routes, "outreach:compose", introducer.pk, kind="other"),
            action_label=f"Draft the note to {first_name(introducer)}",
            suggestions=(
                Suggestion(text=f"{person.name}{where}", code="introduce_to", contact=person),
            ),
        )
        if is_hidden(data.marks.get(item.key), data.now):
            items.append(item)
        elif showing < INTRODUCTIONS_AT_ONCE:
            items.append(item)
            showing += 1
    return items


def after_event(data: AgendaData) -> list[AgendaItem]:
    """Someone met at an event: a short note within EVENT_NOTE_DAYS days of meeting, while
    the conversation is fresh. The item goes once a message is sent or a conversation
    requested, and is left out EVENT_SHOWN_DAYS days after the meeting."""
    items = []
    for person in data.met_at_events:
        met = midnight(person.met_on, data.tz)
        by = midnight(person.met_on + timedelta(days=EVENT_NOTE_DAYS), data.tz)
        # The end of the day the note is due by: late from the next morning.
        end = midnight(person.met_on + timedelta(days=EVENT_NOTE_DAYS + 1), data.tz)
        where = f" at {person.met_at}" if person.met_at else " at an event"
        items.append(
            make_item(
                "after_event",
                f"contact:{person.pk}:{person.met_on.isoformat()}",
                title=f"Follow up with {person.name}",
                reason=(
                    f"You met {first_name(person)}{where} "
                    f"{day_text(met, now=data.now, tz=data.tz)}. Send a short note "
                    f"{_by_day(by, data)}, while you are both fresh in each other’s mind: "
                    "thank them for the conversation and ask for a little of their time."
                ),
                due_at=end - timedelta(seconds=1),
                contact=person,
                action_url=link(data.routes, "outreach:compose", person.pk, kind="request"),
                action_label="Write the note",
            )
        )
    return items


def _by_day(day: datetime, data: AgendaData) -> str:
    """'by the end of today', 'by tomorrow', 'by Thursday 12 June'."""
    words = day_text(day, now=data.now, tz=data.tz)
    if words == "today":
        return "by the end of today"
    return "by " + words.removeprefix("on ")
