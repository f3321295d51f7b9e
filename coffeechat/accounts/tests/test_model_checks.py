import pytest
from django.core.exceptions import ValidationError

from coffeechat.accounts.models import PROFILE_TEXT_LIMIT, Profile
from coffeechat.accounts.services import profile_get, profile_update


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"display_name": "Alice\x00"}, "display_name", id="nul-in-name"),
        pytest.param({"display_name": "Alice\r\nNg"}, "display_name", id="crlf-in-name"),
        pytest.param({"current_employer": "Init\x0bech"}, "current_employer", id="vt-in-employer"),
        pytest.param({"pitch": "I am\x00"}, "pitch", id="nul-in-pitch"),
        pytest.param({"pitch": "x" * (PROFILE_TEXT_LIMIT + 1)}, "pitch", id="long-pitch"),
        pytest.param({"signature": "\x1b[2J"}, "signature", id="escape-in-signature"),
        pytest.param({"time_zone": "Nowhere/City"}, "time_zone", id="unknown-zone"),
        pytest.param({"time_zone": "UTC\x00"}, "time_zone", id="nul-in-zone"),
        pytest.param({"time_zone": ""}, "time_zone", id="no-zone"),
    ],
)
def test_it_refuses_a_bad_profile_value(alice, change, field):
    profile_update(owner=alice, display_name="Alice Ng")
    with pytest.raises(ValidationError) as refusal:
        profile_update(owner=alice, **change)
    assert field in refusal.value.message_dict
    stored = Profile.objects.get(owner=alice)
    assert (stored.display_name, stored.pitch, stored.time_zone) == ("Alice Ng", "", "UTC")
    assert profile_get(owner=alice).display_name == "Alice Ng"


def test_it_takes_a_zone_with_spaces_around_it(alice):
    assert profile_update(owner=alice, time_zone=" Europe/Paris ").time_zone == "Europe/Paris"
