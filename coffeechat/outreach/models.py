from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce

from coffeechat.contacts.models import Contact
from coffeechat.lib.owned import OwnedModel
from coffeechat.lib.validation import LineValidator, TextValidator, validate_year

LINE = LineValidator()


class MessageKind(models.TextChoices):
    REQUEST = "request", "Request"
    NUDGE = "nudge", "Nudge"
    CONFIRMATION = "confirmation", "Confirmation"
    RESCHEDULE = "reschedule", "Reschedule"
    THANK_YOU = "thank_you", "Thank-you"
    KEEP_IN_TOUCH = "keep_in_touch", "Keep in touch"
    REPLY = "reply", "Reply"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    LINKEDIN = "linkedin", "LinkedIn"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"


class Direction(models.TextChoices):
    OUT = "out", "Sent by me"
    IN = "in", "Received"


class MessageStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    RECEIVED = "received", "Received"


class ReplyOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    OTHER = "other", "Other"


class Template(OwnedModel):
    """A user's own template; the built-ins ship in code and are copied into rows on edit."""

    name = models.CharField(max_length=100, validators=[LINE])
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    subject = models.CharField(max_length=200, blank=True, validators=[LINE])
    body = models.TextField(validators=[TextValidator()])
    builtin_key = models.CharField(
        max_length=50,
        blank=True,
        validators=[LINE],
        help_text="The built-in template this one was copied from.",
    )

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


# A message that went out: what the agenda asks of messages sent, and the condition of the
# indexes that answer it (a partial index serves only queries whose condition implies its own).
SENT = models.Q(direction=Direction.OUT, status=MessageStatus.SENT, sent_at__isnull=False)


class Message(OwnedModel):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="messages")
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.OUT)
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.DRAFT
    )
    reply_outcome = models.CharField(max_length=10, choices=ReplyOutcome.choices, blank=True)
    subject = models.CharField(max_length=200, blank=True, validators=[LINE])
    body = models.TextField(blank=True, validators=[TextValidator()])
    sent_at = models.DateTimeField(null=True, blank=True, validators=[validate_year])
    received_at = models.DateTimeField(null=True, blank=True, validators=[validate_year])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "contact", "sent_at"]),
            models.Index(fields=["owner", "kind", "status"]),
            # The agenda: the latest message sent to a person, and the replies since a day.
            models.Index(
                fields=["contact", "direction", "status", "sent_at", "kind"],
                name="message_contact_sent_idx",
            ),
            models.Index(
                F("owner"),
                F("direction"),
                Coalesce("received_at", "created_at"),
                name="message_heard_idx",
            ),
            # Only the messages sent, which is what keeping in touch asks of them: a person's
            # last one. Narrow keys: on PostgreSQL a search of this costs half one of the
            # index above. (On PostgreSQL, migration 0005 adds one more, of everyone written
            # to since a day.)
            models.Index(
                fields=["contact", "sent_at", "kind"],
                condition=SENT,
                name="message_sent_contact_idx",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} to {self.contact}"
            if self.direction == "out"
            else (f"{self.get_kind_display()} from {self.contact}")
        )

    @property
    def happened_at(self):
        return self.sent_at or self.received_at or self.created_at
