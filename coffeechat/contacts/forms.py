from django import forms
from django.urls import reverse

from coffeechat.contacts.models import Contact, Organization, Priority, Source, Stage
from coffeechat.contacts.selectors import SORTS
from coffeechat.lib.validation import SEARCH_LIMIT, check_size


class ContactForm(forms.Form):
    """Validates what the user typed; the service does the writing."""

    name = forms.CharField(max_length=200, strip=True)
    organization_name = forms.CharField(label="Organisation", max_length=200, required=False)
    title = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    other_emails = forms.CharField(
        label="Other e-mails", required=False, help_text="Separate several with commas."
    )
    phone = forms.CharField(max_length=50, required=False)
    linkedin_url = forms.URLField(
        label="LinkedIn URL", max_length=300, required=False, assume_scheme="https"
    )
    location = forms.CharField(max_length=200, required=False)
    time_zone = forms.CharField(
        max_length=64, required=False, help_text="e.g. Europe/Berlin or America/Chicago."
    )
    source = forms.ChoiceField(label="How you know them", choices=Source.choices)
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, initial=Priority.NORMAL)
    why_them = forms.CharField(
        label="Why them, in one sentence to them",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Written to them, e.g. “Your talk on flood maps at the Service Design "
        "Gathering is why I am writing.” It opens your requests, nudges and LinkedIn notes.",
    )
    our_connection = forms.CharField(
        label="How we are connected, as you would say it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Written to them, e.g. “We both studied geography at Northbank.” It follows "
        "the greeting in your requests and LinkedIn notes. Name a referrer here only if they "
        "said you may.",
    )
    connection_note = forms.CharField(
        label="How we are connected (private note)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For you only, never put into a message: a mutual contact, a shared school "
        "or group, what a referrer asked of you.",
    )
    their_work = forms.CharField(
        label="Their work (private note)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For you only, never put into a message: a project, article or talk of theirs "
        "to read before you write.",
    )
    research_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For you only, never put into a message; they appear on the prep sheet.",
    )
    tags = forms.CharField(required=False, help_text="Separate tags with commas.")
    referred_by = forms.ModelChoiceField(
        queryset=Contact.objects.none(), required=False, empty_label="—"
    )
    may_use_referrer_name = forms.BooleanField(
        label="They said I may mention the referrer's name", required=False
    )
    cadence_days = forms.IntegerField(
        label="Keep in touch every … days",
        min_value=7,
        max_value=730,
        required=False,
        help_text="Leave empty to use your default.",
    )
    do_not_contact = forms.BooleanField(label="Do not contact", required=False)

    def __init__(self, *args, owner, instance: Contact | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        referrers = Contact.objects.owned_by(owner).order_by("name")
        if instance is not None:
            referrers = referrers.exclude(pk=instance.pk)
        self.fields["referred_by"].queryset = referrers
        self.fields["name"].widget.attrs.update(autofocus=True, autocomplete="off")
        # The co-worker caution appears as the organisation is typed.
        self.fields["organization_name"].widget.attrs.update(
            {
                "hx-get": reverse("contacts:coworker_check"),
                "hx-trigger": "input changed delay:300ms, change",
                "hx-target": "#coworker",
            }
        )

    def clean_other_emails(self) -> list[str]:
        emails = [e.strip() for e in self.cleaned_data["other_emails"].split(",") if e.strip()]
        field = forms.EmailField()
        for email in emails:
            try:
                field.clean(email)
            except forms.ValidationError:
                raise forms.ValidationError(f"“{email}” is not a valid e-mail address.") from None
        return emails

    def clean_time_zone(self) -> str:
        from zoneinfo import available_timezones

        value = self.cleaned_data["time_zone"].strip()
        if value and value not in available_timezones():
            raise forms.ValidationError(f"“{value}” is not a time zone coffeechat knows.")
        return value

    @staticmethod
    def initial_for(contact: Contact) -> dict:
        return {
            **{f: getattr(contact, f) for f in ContactForm.base_fields if hasattr(contact, f)},
            "organization_name": contact.organization.name if contact.organization else "",
            "other_emails": ", ".join(contact.other_emails),
            "tags": ", ".join(t.name for t in contact.tags.all()),
            "referred_by": contact.referred_by_id,
        }


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "website", "industry", "research_notes"]
        widgets = {"research_notes": forms.Textarea(attrs={"rows": 4})}


class ContactFilterForm(forms.Form):
    # Not stripped, so the size is checked on what was sent; the search splits it into words.
    q = forms.CharField(label="Search", required=False, strip=False)
    source = forms.ChoiceField(choices=[("", "Any source"), *Source.choices], required=False)
    stage = forms.ChoiceField(choices=[("", "Any stage"), *Stage.choices], required=False)
    tag = forms.ChoiceField(choices=[("", "Any tag")], required=False)
    sort = forms.ChoiceField(
        choices=[
            ("name", "Name A–Z"),
            ("-name", "Name Z–A"),
            ("organization", "Organisation"),
            ("priority", "Priority"),
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
        ],
        required=False,
    )

    def __init__(self, *args, tags: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any tag"), *((t, t) for t in tags)]
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Name, organisation or title",
                "maxlength": SEARCH_LIMIT,
            }
        )

    def clean_q(self) -> str:
        return check_size(self.cleaned_data["q"], limit=SEARCH_LIMIT)

    def search_error(self) -> str:
        """Why the search words cannot be used, or "" when they can."""
        self.is_valid()
        return " ".join(self.errors.get("q", []))

    def filters(self) -> dict[str, str]:
        """Valid filters only: a bad value in the URL is ignored, not an error page."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v}
        if data.get("sort") not in SORTS:
            data["sort"] = "name"
        return {"query": data.get("q", ""), **{k: v for k, v in data.items() if k != "q"}}
