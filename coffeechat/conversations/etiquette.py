"""How to carry the conversation itself: habits for the user, never words for a message.

The printable prep sheet lists each habit in a few words (it has to stay one page); the
day-before reminder shows each in full beside the draft.
"""

from typing import NamedTuple


class Habit(NamedTuple):
    short: str  # on the prep sheet
    advice: str  # beside the day-before reminder


HABITS = (
    Habit(
        "Dress as they dress at work.",
        "Dress as people dress where they work, a little smarter if unsure.",
    ),
    Habit(
        "Join or arrive a few minutes early.",
        "Join or arrive a few minutes early, with your questions and a way to take notes.",
    ),
    Habit(
        "Listen more than you talk.",
        "Listen more than you talk: your pitch is a minute, the rest is their story.",
    ),
    Habit(
        "Take notes discreetly.",
        "Take notes discreetly: a few words at a time, your eyes mostly on them.",
    ),
    Habit(
        "Keep to time.",
        "Keep to the time you asked for, and offer to stop when it is up.",
    ),
    Habit(
        "Ask who else to talk to.",
        "Near the end, ask who else they think you should talk to.",
    ),
    Habit(
        "Ask before using their name.",
        "When they suggest someone, ask whether you may mention their name when you write.",
    ),
)

DAY_OF_ETIQUETTE = tuple(habit.advice for habit in HABITS)
