from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coffeechat.accounts.models import LoginLink, Profile
from coffeechat.accounts.services import (
    LOCAL_USERNAME,
    hash_token,
    local_user_get_or_create,
    login_link_create,
    login_link_use,
)


def test_it_logs_in_with_a_fresh_link(alice):
    token = login_link_create(owner=alice)
    assert login_link_use(token=token) == alice
    assert LoginLink.objects.get().used_at is not None


def test_it_refuses_a_link_used_before(alice):
    token = login_link_create(owner=alice)
    login_link_use(token=token)
    with pytest.raises(ValidationError, match="already used"):
        login_link_use(token=token)


def test_it_refuses_an_expired_link(alice, settings):
    settings.LOGIN_LINK_MINUTES = 15
    now = timezone.now()
    token = login_link_create(owner=alice, now=now)
    with pytest.raises(ValidationError, match="expired"):
        login_link_use(token=token, now=now + timedelta(minutes=15))
    assert LoginLink.objects.get().used_at is None


def test_it_accepts_a_link_just_before_it_expires(alice, settings):
    settings.LOGIN_LINK_MINUTES = 15
    now = timezone.now()
    token = login_link_create(owner=alice, now=now)
    assert login_link_use(token=token, now=now + timedelta(minutes=14, seconds=59)) == alice


@pytest.mark.parametrize("token", ["no-such-token", ""])
def test_it_refuses_an_unknown_token(alice, token):
    login_link_create(owner=alice)
    with pytest.raises(ValidationError, match="not valid"):
        login_link_use(token=token)


def test_it_stores_only_a_hash_of_the_token(alice):
    token = login_link_create(owner=alice)
    link = LoginLink.objects.get()
    assert link.token_hash == hash_token(token)
    assert token not in link.token_hash


def test_it_makes_each_link_different(alice):
    assert login_link_create(owner=alice) != login_link_create(owner=alice)


def test_it_creates_the_local_user_once(db):
    first = local_user_get_or_create()
    second = local_user_get_or_create()
    assert first == second
    assert first.username == LOCAL_USERNAME
    assert not first.has_usable_password()
    assert Profile.objects.filter(owner=first).count() == 1
