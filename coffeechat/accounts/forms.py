from django import forms

from coffeechat.accounts.models import Profile
from coffeechat.lib.forms import TextField, TimeZoneField, model_formfield


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = Profile
        formfield_callback = model_formfield
        fields = [
            "display_name",
            "pitch",
            "pitch_sentence",
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


class PitchForm(forms.Form):
    pitch = TextField(required=False)
