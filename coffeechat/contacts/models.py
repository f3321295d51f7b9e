from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from coffeechat.lib.owned import OwnedModel
from coffeechat.lib.validation import (
    LineValidator,
    TextValidator,
    validate_time_zone,
    validate_year,
)

LINE = LineValidator()
# A sentence or two that a message quotes: how you are connected, their work to mention.
NOTE_LIMIT = 2_000
MAX_OTHER_EMAILS = 100


def validate_emails(value: list) -> None:
    """Other e-mail addresses: a list of valid addresses on one line each."""
    if not isinstance(value, list) or len(value) > MAX_OTHER_EMAILS:
        raise ValidationError(f"Give at most {MAX_OTHER_EMAILS} other e-mail addresses, as a list.")
    for email in value:
        if not isinstance(email, str):
            raise ValidationError("Each other e-mail address must be text.")
        LINE(email)
        validate_email(email)


class PersonResearch(models.TextChoices):
    """What to find out about a person before asking them for their time."""

    PROFILE = "profile", "Read their profile and the path that led to their role"
    WORK = "work", "Read, watched or listened to something they made"


class OrganizationResearch(models.TextChoices):
    """What to find out about their organisation and its field."""

    MISSION = "mission", "Read the organisation's site: what it does, for whom, and why"
    NEWS = "news", "Read its recent news, projects and reports"
    INDUSTRY = "industry", "Read about the trends and challenges in its industry"


def _validate_checklist(value: list, choices: type[models.TextChoices]) -> None:
    if not isinstance(value, list) or any(item not in choices.values for item in value):
        raise ValidationError(
            "The research checklist is a list of: " + ", ".join(choices.values) + "."
        )


def validate_person_research(value: list) -> None:
    _validate_checklist(value, PersonResearch)


def validate_organization_research(value: list) -> None:
    _validate_checklist(value, OrganizationResearch)


class Organization(OwnedModel):
    name = models.CharField(max_length=200, validators=[LINE])
    website = models.URLField(blank=True, validators=[LINE])
    industry = models.CharField(max_length=200, blank=True, validators=[LINE])
    research_notes = models.TextField(blank=True, validators=[TextValidator()])
    # Which of OrganizationResearch is done, by value.
    research_done = models.JSONField(
        default=list, blank=True, validators=[validate_organization_research]
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="organization_unique_name"),
        ]
        # The organisation list, in name order, a page at a time.
        indexes = [models.Index(fields=["owner", "name"], name="organization_name_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contacts:organization_detail", args=[self.pk])


class Tag(OwnedModel):
    name = models.CharField(max_length=50, validators=[LINE])

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("owner", Lower("name"), name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    FRIEND_FAMILY = "friend_family", "Friend or family"
    ALUMNI = "alumni", "Alumni"
    FORMER_COLLEAGUE = "former_colleague", "Former colleague"
    CO_WORKER = "co_worker", "Co-worker"
    COMMUNITY = "community", "Community group"
    CONFERENCE = "conference", "Conference"
    EVENT = "event", "Met at an event"
    ASSOCIATION = "association", "Professional association"
    LINKEDIN = "linkedin", "LinkedIn"
    REFERRAL = "referral", "Referral"
    COLD = "cold", "Cold (no connection yet)"


class Priority(models.IntegerChoices):
    HIGH = 1, "High"
    NORMAL = 2, "Normal"
    LOW = 3, "Low"


class Stage(models.TextChoices):
    """Where a contact is in the workflow: the state of their latest conversation."""

    PROSPECT = "prospect", "Prospect"
    REQUESTED = "requested", "Requested"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    THANKED = "thanked", "Thanked"
    DECLINED = "declined", "Declined"
    NO_REPLY = "no_reply", "No reply"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


class Contact(OwnedModel):
    # Every list and search reads the owner's people through an index that begins with the
    # owner (see Meta), so the owner needs no index of its own: each index costs every import
    # a write a person.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    name = models.CharField(max_length=200, validators=[LINE])
    first_name = models.CharField(max_length=100, blank=True, validators=[LINE])
    last_name = models.CharField(max_length=100, blank=True, validators=[LINE])
    # Looked up only without regard to case, among the owner's people: an index of the
    # values as written would never be read.
    email = models.EmailField(blank=True, validators=[LINE])
    other_emails = models.JSONField(default=list, blank=True, validators=[validate_emails])
    phone = models.CharField(max_length=50, blank=True, validators=[LINE])
    linkedin_url = models.URLField("LinkedIn URL", max_length=300, blank=True, validators=[LINE])
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    title = models.CharField(max_length=200, blank=True, validators=[LINE])
    location = models.CharField(max_length=200, blank=True, validators=[LINE])
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.COLD)
    # Private notes: for the user's eyes only, never filled into a message.
    connection_note = models.TextField(
        "how we are connected (private note)",
        blank=True,
        validators=[TextValidator(NOTE_LIMIT)],
        help_text="A mutual contact, a shared school, a group.",
    )
    their_work = models.TextField(
        "their work (private note)",
        blank=True,
        validators=[TextValidator(NOTE_LIMIT)],
        help_text="A project, publication or talk.",
    )
    research_notes = models.TextField(blank=True, validators=[TextValidator()])
    # Which of PersonResearch is done, by value.
    research_done = models.JSONField(
        default=list, blank=True, validators=[validate_person_research]
    )
    # Written to the person: these are what messages say.
    why_them = models.TextField(
        "why them, in one sentence to them",
        blank=True,
        validators=[TextValidator(NOTE_LIMIT)],
        help_text="Opens your requests and LinkedIn notes.",
    )
    our_connection = models.TextField(
        "how we are connected, as you would say it",
        blank=True,
        validators=[TextValidator(NOTE_LIMIT)],
        help_text="Follows the greeting in your requests and LinkedIn notes.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    referred_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        db_index=False,  # a partial index, in Meta
    )
    may_use_referrer_name = models.BooleanField("may mention the referrer's name", default=False)
    # Someone the user knows who knows them: Today suggests asking for an introduction.
    introducer = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introductions",
        verbose_name="who could introduce you",
        db_index=False,  # a partial index, in Meta
    )
    cadence_days = models.PositiveSmallIntegerField(
        "keep in touch every (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text="Leave empty to use your default.",
    )
    do_not_contact = models.BooleanField(default=False)
    # Someone who gives the user advice over time: keep-in-touch ideas for them give back.
    is_mentor = models.BooleanField("mentor", default=False)
    connected_on = models.DateField(null=True, blank=True, validators=[validate_year])
    # Where and when the user met them in person, for the follow-up after an event. The
    # event's name goes into that note, so it is written as the user would say it to them.
    met_at = models.CharField(
        "where you met",
        max_length=200,
        blank=True,
        validators=[LINE],
        help_text="The event, as you would name it to them.",
    )
    met_on = models.DateField("the day you met", null=True, blank=True, validators=[validate_year])
    # The import that added them, if one did: undoing it may remove them. Kept on the person,
    # written with them, rather than as a row of its own: a first import of a LinkedIn export
    # adds tens of thousands of people. (The people an import filled in are the importing
    # app's to remember.) Written only by the import, after its batch, in the same
    # transaction, and set to null by Django when a batch is deleted: the database checks no
    # constraint, which on PostgreSQL cost a search of the batches a person at commit (70 ms
    # of a 1.4 s first import of 30,000 people).
    imported_by = models.ForeignKey(
        "portability.ImportBatch",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="created_people",
        db_index=False,  # a partial index, in Meta
        db_constraint=False,
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            # The id last, as the lists order by it after the name: PostgreSQL then reads a
            # page in the index's order and stops (SQLite's indexes end with the id anyway).
            models.Index(fields=["owner", "name", "id"], name="contact_name_idx"),
            # The agenda: the people to ask first, and the people at an organisation. On
            # PostgreSQL the first also carries cadence_days and do_not_contact (migration
            # 0014), for the people to keep in touch with.
            models.Index(fields=["owner", "priority", "name", "id"], name="contact_priority_idx"),
            models.Index(fields=["owner", "organization"], name="contact_organization_idx"),
            # The agenda: the people met at an event lately. Most people were never met at
            # one, and an import writes none of them into it.
            models.Index(
                fields=["owner", "met_on"],
                condition=models.Q(met_on__isnull=False),
                name="contact_met_on_idx",
            ),
            # Who was referred or could be introduced by a person, when that person is
            # deleted: most people are neither, and an index of them all would hold nothing
            # but empty values.
            models.Index(
                fields=["referred_by"],
                condition=models.Q(referred_by__isnull=False),
                name="contact_referred_by_idx",
            ),
            models.Index(
                fields=["introducer"],
                condition=models.Q(introducer__isnull=False),
                name="contact_introducer_idx",
            ),
            models.Index(
                fields=["imported_by"],
                condition=models.Q(imported_by__isnull=False),
                name="contact_imported_by_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contacts:contact_detail", args=[self.pk])

    @property
    def stage_label(self) -> str:
        """The stage in words; the stage itself is computed by the contact selectors."""
        stage = getattr(self, "stage", None)
        return Stage(stage).label if stage else ""

    @property
    def researched(self) -> bool:
        """Whether any research is done on them or their organisation, noted or ticked off:
        the prep sheet, the agenda and the draft service all ask this."""
        organization = self.organization
        return bool(
            self.research_notes.strip()
            or self.research_done
            or (
                organization and (organization.research_notes.strip() or organization.research_done)
            )
        )

    @property
    def emails(self) -> list[str]:
        return [e for e in [self.email, *self.other_emails] if e]
