"""The next step with a person: one table from where things stand to what to do now.

The person page, the conversation page and the Today list all read the same table, so a
button says the same thing and goes to the same place wherever it shows. `situation_state`
says which row applies from a few facts about the person's conversation (the facts about
messages, such as an unsent draft, are gathered by `outreach.selectors.next_step_for`, since
messages sit above conversations); `TABLE` gives that row's one primary action and its
secondary ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.urls import reverse
from django.utils.http import urlencode

from coffeechat.conversations.models import State

# What an action's URL is built from: the person, their conversation, an unsent draft, or
# nothing (a page of its own).
Target = Literal["contact", "conversation", "draft", ""]


@dataclass(frozen=True)
class Action:
    """Something to do, as a button: its words, where it goes and how (a link or a form)."""

    name: str
    label: str
    route: str
    target: Target = ""
    query: tuple[tuple[str, str], ...] = ()
    # "conversation" in a query stands for the conversation's id.
    method: Literal["get", "post"] = "get"
    icon: str = "arrow-right"
    anchor: str = ""

    def url(
        self,
        *,
        contact_pk: int | None = None,
        conversation_pk: int | None = None,
        draft_pk: int | None = None,
    ) -> str:
        pks = {"contact": contact_pk, "conversation": conversation_pk, "draft": draft_pk}
        path = reverse(self.route, args=[pks[self.target]] if self.target else [])
        return path + self.suffix(conversation_pk=conversation_pk)

    def suffix(self, *, conversation_pk: int | None = None) -> str:
        """The query and anchor after the path."""
        query = [
            (key, str(conversation_pk) if value == "conversation" else value)
            for key, value in self.query
            if value != "conversation" or conversation_pk is not None
        ]
        return (f"?{urlencode(query)}" if query else "") + (
            f"#{self.anchor}" if self.anchor else ""
        )


def _write(name: str, label: str, kind: str, *, conversation: bool = False) -> Action:
    """Writing a message of `kind`: opens the unsent draft of that kind when there is one."""
    query = (("kind", kind),) + ((("conversation", "conversation"),) if conversation else ())
    return Action(name, label, "outreach:write", "contact", query, icon="pencil-square")


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        _write("write_request", "Write a request", "request"),
        _write("write_new_request", "Write a new request", "request"),
        Action("open_request_draft", "Finish the request", "outreach:message_edit", "draft",
               icon="pencil-square"),
        Action("log_reply", "Log their reply", "conversations:conversation_detail",
               "conversation", anchor="reply", icon="inbox-arrow-down"),
        _write("write_nudge", "Write the nudge", "nudge", conversation=True),
        Action("book_time", "Book a time", "conversations:schedule", "conversation",
               icon="calendar-days"),
        Action("book_again", "Book another time", "conversations:schedule", "conversation",
               icon="calendar-days"),
        Action("reschedule", "Reschedule", "conversations:schedule", "conversation",
               icon="calendar-days"),
        Action("prepare", "Prepare", "conversations:prep", "conversation",
               icon="clipboard-document-list"),
        Action("prep_sheet", "Open the prep sheet", "conversations:prep_sheet", "conversation",
               icon="printer"),
        Action("mark_held", "Mark held", "conversations:held", "conversation", method="post",
               icon="check-circle"),
        Action("no_show", "No-show", "conversations:no_show", "conversation", method="post",
               icon="x-circle"),
        Action("write_notes", "Write the notes", "conversations:notes", "conversation",
               icon="document-text"),
        _write("write_thank_you", "Write the thank-you", "thank_you", conversation=True),
        Action("open_thank_you_draft", "Finish the thank-you", "outreach:message_edit",
               "draft", icon="pencil-square"),
        Action("follow_referrals", "Reach out to the people they suggested",
               "conversations:conversation_detail", "conversation", anchor="takeaways",
               icon="user-plus"),
        _write("keep_in_touch", "Write a keep-in-touch note", "keep_in_touch"),
        Action("find_someone", "Find someone else to ask", "contacts:contact_list",
               icon="magnifying-glass"),
        Action("edit_contact", "Edit their details", "contacts:contact_edit", "contact",
               icon="pencil-square"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Row:
    """One state of a person's conversation, in the user's words, and what to do in it."""

    state: str
    meaning: str
    primary: str
    secondary: tuple[str, ...] = ()


# Where things stand → the one thing to do now, then the others worth offering.
TABLE: dict[str, Row] = {
    row.state: row
    for row in (
        Row("do_not_contact", "Marked “do not contact”", "edit_contact"),
        Row("prospect", "Not asked yet", "write_request"),
        Row("request_draft", "A request is drafted, not sent", "open_request_draft"),
        Row("awaiting_reply", "Asked, waiting for a reply", "log_reply", ("book_time",)),
        Row("replied", "They replied", "book_time"),
        Row("booked", "Booked, not ready yet", "prepare", ("prep_sheet", "reschedule")),
        Row("prepared", "Booked and prepared", "prep_sheet", ("prepare", "reschedule")),
        Row("time_passed", "The booked time has come", "mark_held", ("reschedule", "no_show")),
        Row("missed", "They did not turn up", "book_again"),
        Row("held", "Held, not thanked yet", "write_thank_you", ("write_notes",)),
        Row("thank_you_draft", "A thank-you is drafted, not sent", "open_thank_you_draft",
            ("write_notes",)),
        Row("thanked_referrals", "Thanked; they suggested people to talk to",
            "follow_referrals", ("keep_in_touch",)),
        Row("thanked", "Thanked", "keep_in_touch"),
        Row("cancelled", "Cancelled", "write_new_request"),
        Row("closed", "Declined or no reply", "find_someone", ("keep_in_touch",)),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Situation:
    """The facts the table's rows are told apart by."""

    state: str | None  # the conversation's state; None when there is none
    now: datetime
    do_not_contact: bool = False
    replied: bool = False
    scheduled_for: datetime | None = None
    prepared: bool = False
    request_draft: bool = False
    thank_you_draft: bool = False
    referrals_waiting: bool = False


def situation_state(situation: Situation) -> str:
    """Which row of `TABLE` applies."""
    s = situation
    if s.do_not_contact:
        return "do_not_contact"
    if s.state in (None, State.PLANNED):
        return "request_draft" if s.request_draft else "prospect"
    if s.state == State.REQUESTED:
        return "replied" if s.replied else "awaiting_reply"
    if s.state == State.SCHEDULED:
        if s.scheduled_for is not None and s.scheduled_for <= s.now:
            return "time_passed"
        return "prepared" if s.prepared else "booked"
    if s.state == State.HELD:
        return "thank_you_draft" if s.thank_you_draft else "held"
    if s.state == State.THANKED:
        return "thanked_referrals" if s.referrals_waiting else "thanked"
    ended: dict[str | None, str] = {State.NO_SHOW: "missed", State.CANCELLED: "cancelled"}
    return ended.get(s.state, "closed")


@dataclass(frozen=True)
class Button:
    """An action made concrete for one person: what a page renders."""

    name: str
    label: str
    url: str
    method: str
    icon: str


@dataclass(frozen=True)
class NextStep:
    state: str
    meaning: str
    primary: Button
    secondary: tuple[Button, ...]


def next_step(
    situation: Situation,
    *,
    contact_pk: int,
    conversation_pk: int | None = None,
    draft_pk: int | None = None,
) -> NextStep:
    """The row for `situation`, with each action's URL for this person."""
    row = TABLE[situation_state(situation)]

    def button(name: str) -> Button:
        action = ACTIONS[name]
        url = action.url(contact_pk=contact_pk, conversation_pk=conversation_pk, draft_pk=draft_pk)
        return Button(name, action.label, url, action.method, action.icon)

    return NextStep(
        state=row.state,
        meaning=row.meaning,
        primary=button(row.primary),
        secondary=tuple(button(name) for name in row.secondary),
    )
