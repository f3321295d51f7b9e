from zoneinfo import available_timezones

from django import forms

from coffeechat.accounts.models import Profile
from coffeechat.lib.validation import NAME_LIMIT, check_line


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "display_name",
            "pitch",
            "goal_fields",
            "goal_roles",
            "goal_organizations",
            "current_employer",
            "time_zone",
            "signature",
            "weekly_goal_requests",
            "weekly_goal_conversations",
            "default_cadence_days",
        ]
        labels = {
            "display_name": "Your name",
            "weekly_goal_requests": "Requests to send each week",
            "weekly_goal_conversations": "Conversations to hold each week",
            "default_cadence_days": "Keep in touch every … days",
        }
        widgets = {
            "pitch": forms.Textarea(attrs={"rows": 5}),
            "goal_fields": forms.Textarea(attrs={"rows": 2}),
            "goal_roles": forms.Textarea(attrs={"rows": 2}),
            "goal_organizations": forms.Textarea(attrs={"rows": 2}),
            "signature": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_display_name(self) -> str:
        # The name goes into mail headers and calendar invitations, where a line break would
        # start a header or property of its own.
        return check_line(self.cleaned_data["display_name"], limit=NAME_LIMIT)

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        if value not in available_timezones():
            raise forms.ValidationError(f"“{value}” is not a time zone coffeechat knows.")
        return value
