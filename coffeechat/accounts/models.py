from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coffeechat.lib.text import WORDS_PER_MINUTE, word_count
from coffeechat.lib.validation import (
    LineValidator,
    TextValidator,
    validate_time_zone,
    validate_year,
)

LINE = LineValidator()
# A few paragraphs about yourself: a pitch, goals, a signature.
PROFILE_TEXT_LIMIT = 5_000
PITCH_SENTENCE_LIMIT = 120


class Profile(models.Model):
    """What the user tells coffeechat about themselves; one per user."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=200, blank=True, validators=[LINE])
    signature = models.TextField(blank=True, validators=[TextValidator(PROFILE_TEXT_LIMIT)])
    pitch = models.TextField(
        blank=True,
        validators=[TextValidator(PROFILE_TEXT_LIMIT)],
        help_text="A short introduction: who you are, what you are exploring, why.",
    )
    # The pitch as a stranger first reads it: one sentence that opens a request in place of
    # "I am <name>, exploring <fields>". Short, so a LinkedIn note still fits in 300 characters.
    pitch_sentence = models.CharField(
        "your pitch in one sentence",
        max_length=PITCH_SENTENCE_LIMIT,
        blank=True,
        validators=[LINE],
    )
    goal_fields = models.TextField(
        "fields I am exploring", blank=True, validators=[TextValidator(PROFILE_TEXT_LIMIT)]
    )
    goal_roles = models.TextField(
        "roles I am curious about", blank=True, validators=[TextValidator(PROFILE_TEXT_LIMIT)]
    )
    goal_organizations = models.TextField(
        "organisations I admire", blank=True, validators=[TextValidator(PROFILE_TEXT_LIMIT)]
    )
    current_employer = models.CharField(
        max_length=200,
        blank=True,
        validators=[LINE],
        help_text="Where you work now, if anywhere. coffeechat cautions you before you "
        "contact a co-worker.",
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    weekly_goal_requests = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(100)]
    )
    weekly_goal_conversations = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(50)]
    )
    default_cadence_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(7), MaxValueValidator(730)]
    )
    digest_opt_in = models.BooleanField(default=False)
    # The calendar feed URL carries a secret; only its hash is stored.
    feed_token_hash = models.CharField(max_length=128, blank=True, db_index=True, validators=[LINE])
    updated_at = models.DateTimeField(auto_now=True, validators=[validate_year])

    def __str__(self) -> str:
        return self.display_name or str(self.owner)

    @property
    def pitch_words(self) -> int:
        return word_count(self.pitch)

    @property
    def pitch_seconds(self) -> int:
        return round(self.pitch_words * 60 / WORDS_PER_MINUTE)


class LoginLink(models.Model):
    """A one-time login link, as printed by `coffeechat serve`."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"login link for {self.owner} until {self.expires_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, validators=[LINE])
    token_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
