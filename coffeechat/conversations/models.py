from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from coffeechat.contacts.models import Contact
from coffeechat.lib.owned import OwnedModel
from coffeechat.lib.validation import (
    MAX_YEAR,
    MIN_YEAR,
    LineValidator,
    TextValidator,
    check_year,
    validate_time_zone,
    validate_year,
)
from coffeechat.lib.validation import time_zone as zone_named

LINE = LineValidator()
REFLECTION_LIMIT = 5_000
ANSWER_NOTE_LIMIT = 5_000
TAKEAWAY_LIMIT = 2_000
# The moments of a conversation, each shown on the clock of its time zone.
MOMENT_FIELDS = (
    "requested_at",
    "replied_at",
    "scheduled_for",
    "held_at",
    "thanked_at",
    "closed_at",
)


class State(models.TextChoices):
    PLANNED = "planned", "Planned"
    REQUESTED = "requested", "Requested"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    THANKED = "thanked", "Thanked"
    DECLINED = "declined", "Declined"
    NO_REPLY = "no_reply", "No reply"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


# A no-show stays open: people miss calls, and the same conversation can be booked again.
OPEN_STATES = (State.PLANNED, State.REQUESTED, State.SCHEDULED, State.HELD, State.NO_SHOW)
CLOSED_STATES = (State.THANKED, State.DECLINED, State.NO_REPLY, State.CANCELLED)


class Format(models.TextChoices):
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    COFFEE = "coffee", "Coffee"
    LUNCH = "lunch", "Lunch"
    IN_PERSON = "in_person", "In person"

    @staticmethod
    def in_words(value: str) -> str:
        """How a format reads mid-sentence, in messages, invitations and the agenda:
        "a video call with Ada", "a 30-minute coffee"."""
        return _FORMAT_WORDS.get(value, "conversation")


_FORMAT_WORDS: dict[str, str] = {
    Format.PHONE: "phone call",
    Format.VIDEO: "video call",
    Format.COFFEE: "coffee",
    Format.LUNCH: "lunch",
    Format.IN_PERSON: "meeting in person",
}


class Conversation(OwnedModel):
    """One informational interview with one contact."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PLANNED)
    requested_at = models.DateTimeField(null=True, blank=True, validators=[validate_year])
    replied_at = models.DateTimeField(null=True, blank=True, validators=[validate_year])
    scheduled_for = models.DateTimeField(null=True, blank=True, validators=[validate_year])
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    length_minutes = models.PositiveSmallIntegerField(
        default=20, validators=[MinValueValidator(5), MaxValueValidator(180)]
    )
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.VIDEO)
    place = models.CharField("place or link", max_length=500, blank=True, validators=[LINE])
    held_at = models.DateTimeField(null=True, blank=True, validators=[validate_year])
    thanked_at = models.DateTimeField(null=True, blank=True, validators=[validate_year])
    closed_at = models.DateTimeField(null=True, blank=True, validators=[validate_year])
    notes = models.TextField(blank=True, validators=[TextValidator()], help_text="Markdown.")
    reflection_fit = models.TextField(
        "how it fits my goals", blank=True, validators=[TextValidator(REFLECTION_LIMIT)]
    )
    reflection_next = models.TextField(
        "what I will do next", blank=True, validators=[TextValidator(REFLECTION_LIMIT)]
    )
    clarity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # Calendar invitations: the same event is updated on reschedule and cancelled on cancel.
    ics_uid = models.CharField(max_length=100, blank=True, validators=[LINE])
    ics_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "state"]),
            models.Index(fields=["owner", "contact", "created_at"]),
            models.Index(fields=["owner", "scheduled_for"]),
            # Who was thanked and when: the agenda reads it for everyone it might keep in
            # touch with, from the index alone.
            models.Index(
                fields=["owner", "contact", "thanked_at"],
                condition=models.Q(thanked_at__isnull=False),
                name="conversation_thanked_idx",
            ),
            # The replies since the oldest request waiting, for the follow-up routine.
            models.Index(
                fields=["owner", "replied_at"],
                condition=models.Q(replied_at__isnull=False),
                name="conversation_replied_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation with {self.contact}"

    def clean(self) -> None:
        # Each moment must also be a date in range on the clock of the zone it is shown in:
        # 2200-12-31 20:00 UTC is already 2201 in Kiritimati.
        if not self.time_zone:
            return
        try:
            zone = zone_named(self.time_zone)
        except ValidationError:
            return  # the field's own validator words this
        errors = {}
        for field in MOMENT_FIELDS:
            moment = getattr(self, field)
            if moment is None or getattr(moment, "tzinfo", None) is None:
                continue
            try:
                check_year(moment.astimezone(zone))
            except (ValidationError, OverflowError):
                errors[field] = (
                    f"In {self.time_zone} this falls outside the years {MIN_YEAR} to {MAX_YEAR}."
                )
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("contacts:contact_detail", args=[self.contact_id])


class Reschedule(OwnedModel):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="reschedules"
    )
    previous_start = models.DateTimeField(validators=[validate_year])
    new_start = models.DateTimeField(validators=[validate_year])
    reason = models.CharField(max_length=300, blank=True, validators=[LINE])

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.previous_start:%Y-%m-%d %H:%M} → {self.new_start:%Y-%m-%d %H:%M}"


class QuestionCategory(models.TextChoices):
    CAREER_PATH = "career_path", "Career path"
    DAY_IN_THE_LIFE = "day_in_the_life", "A typical day"
    SKILLS = "skills", "Skills and experience"
    CULTURE = "culture", "Culture"
    CHALLENGES = "challenges", "Priorities and challenges"
    TRENDS = "trends", "Trends"
    ADVICE = "advice", "Advice"
    RESOURCES = "resources", "Resources"
    SALARY = "salary", "Salary range"
    WORK_LIFE = "work_life", "Work-life balance"
    TRAVEL = "travel", "Travel"
    WHO_ELSE = "who_else", "Who else to talk to"


class Question(OwnedModel):
    """A question of the user's own; the built-in bank ships in code."""

    category = models.CharField(max_length=20, choices=QuestionCategory.choices)
    text = models.CharField(max_length=300, validators=[LINE])

    class Meta:
        ordering = ["category", "text"]

    def __str__(self) -> str:
        return self.text


class ChosenQuestion(OwnedModel):
    """A question picked for one conversation, in order, with what the answer was."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="chosen_questions"
    )
    category = models.CharField(max_length=20, choices=QuestionCategory.choices)
    text = models.CharField(max_length=300, validators=[LINE])
    position = models.PositiveSmallIntegerField(default=0)
    answer_note = models.TextField(blank=True, validators=[TextValidator(ANSWER_NOTE_LIMIT)])

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class TakeawayKind(models.TextChoices):
    INSIGHT = "insight", "Insight"
    ADVICE = "advice", "Advice"
    GAP = "gap", "Skill gap"
    RESOURCE = "resource", "Resource"
    REFERRAL = "referral", "Referral"
    OPPORTUNITY = "opportunity", "Opportunity"


class TakeawayStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Takeaway(OwnedModel):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="takeaways"
    )
    kind = models.CharField(max_length=20, choices=TakeawayKind.choices)
    text = models.TextField(validators=[TextValidator(TAKEAWAY_LIMIT)])
    # Gaps become plan items, resources things to read, opportunities leads: each can be
    # ticked off. Insights and advice keep the default and are never "due".
    status = models.CharField(
        max_length=10, choices=TakeawayStatus.choices, default=TakeawayStatus.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True, validators=[validate_year])
    referral_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    may_use_name = models.BooleanField("may mention their name", default=False)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["owner", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"
