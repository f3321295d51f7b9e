"""Built-ins now come in an e-mail and a LinkedIn form, keyed `<family>_<channel>`: a user's
version of a built-in follows its new key, so it still replaces the built-in."""

from django.db import migrations

# Written out here, not imported: a migration must not change when the code does.
RENAMED_KEYS = {
    "request_referral": "request_referral_email",
    "keep_in_touch_article": "keep_in_touch_article_email",
    "keep_in_touch_update": "keep_in_touch_update_email",
    "keep_in_touch_congratulations": "keep_in_touch_congratulations_email",
}


def rename(apps, schema_editor, keys=RENAMED_KEYS):
    Template = apps.get_model("outreach", "Template")
    for old, new in keys.items():
        Template.objects.filter(builtin_key=old).update(builtin_key=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, keys={new: old for old, new in RENAMED_KEYS.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0003_text_and_date_validators"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
