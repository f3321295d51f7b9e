"""Users, profiles and the one-time login link."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coffeechat.accounts.models import LoginLink, Profile
from coffeechat.lib.model_checks import tidy_lines, update_row
from coffeechat.lib.owned import Owner

LOCAL_USERNAME = "me"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def profile_get(*, owner: Owner) -> Profile:
    profile, _ = Profile.objects.get_or_create(owner=owner)
    return profile


PROFILE_LINES = ("display_name", "current_employer", "pitch_sentence")
# What a user may change: everything but the owner, the calendar feed's secret and the times.
PROFILE_FIELDS = tuple(
    f.name
    for f in Profile._meta.concrete_fields
    if f.name not in {"id", "owner", "feed_token_hash", "updated_at"}
)


def profile_update(*, owner: Owner, **fields: Any) -> Profile:
    """Changes the named fields; each is checked by the model's own validators first."""
    profile = profile_get(owner=owner)
    fields = tidy_lines(fields, PROFILE_LINES)
    if isinstance(fields.get("time_zone"), str):
        fields["time_zone"] = fields["time_zone"].strip()
    update_row(profile, fields, allowed=PROFILE_FIELDS)
    return profile


@transaction.atomic
def local_user_get_or_create() -> Owner:
    """The single user of a local installation, made on first start."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=LOCAL_USERNAME).first()
    if user is None:
        user = user_model.objects.create_user(LOCAL_USERNAME)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    profile_get(owner=user)
    return user


def login_link_create(*, owner: Owner, now: datetime | None = None) -> str:
    """A fresh secret token; only its hash is stored. It works once, until it expires."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    LoginLink.objects.create(
        owner=owner,
        token_hash=hash_token(token),
        expires_at=now + timedelta(minutes=settings.LOGIN_LINK_MINUTES),
    )
    return token


@transaction.atomic
def login_link_use(*, token: str, now: datetime | None = None) -> Owner:
    """The user the token logs in, marking it used; ValidationError when it cannot."""
    now = now or timezone.now()
    # Looking the hash up is safe against timing: the secret itself is never compared.
    link = (
        LoginLink.objects.select_for_update()
        .select_related("owner")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if link is None:
        raise ValidationError(
            "This login link is not valid. Run `coffeechat login` in a terminal for a new one."
        )
    if link.used_at is not None:
        raise ValidationError(
            "This login link was already used. Each link works once: run `coffeechat login` "
            "in a terminal for a new one."
        )
    if link.expires_at <= now:
        raise ValidationError(
            "This login link has expired. Run `coffeechat login` in a terminal for a new one."
        )
    link.used_at = now
    link.save(update_fields=["used_at"])
    return link.owner
