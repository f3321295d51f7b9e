"""What every page and command pays before doing anything: the modules loaded at start."""

import subprocess
import sys

# Each costs about a tenth of a second to import; only the features that use them load them.
LOADED_ON_USE = ("icalendar", "nameparser", "vobject")


def test_the_url_configuration_leaves_heavy_libraries_until_they_are_used(tmp_path):
    code = (
        "import sys, django; django.setup(); import coffeechat.urls; "
        f"print(' '.join(name for name in {LOADED_ON_USE!r} if name in sys.modules))"
    )
    env = {"COFFEECHAT_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "coffeechat.settings"}

    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == ""
