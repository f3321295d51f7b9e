from typing import Any
from urllib.parse import urlencode

from django import forms
from django.urls import reverse

from coffeechat.contacts.models import (
    Contact,
    Organization,
    OrganizationResearch,
    PersonResearch,
    Priority,
    Source,
    Stage,
)
from coffeechat.contacts.organization_names import organization_similar
from coffeechat.contacts.selectors import SORTS
from coffeechat.lib.forms import (
    DateField,
    EmailField,
    IdField,
    LineField,
    OwnedChoiceField,
    TextField,
    TimeZoneField,
    URLField,
    WholeNumberField,
    model_formfield,
)
from coffeechat.lib.owned import Owner
from coffeechat.lib.validation import NAME_LIMIT, SEARCH_LIMIT, is_single_line


class ContactForm(forms.Form):
    """Validates what the user typed; the service does the writing."""

    name = LineField(max_length=NAME_LIMIT, strip=True)
    organization_name = LineField(label="Organisation", max_length=NAME_LIMIT, required=False)
    title = LineField(max_length=NAME_LIMIT, required=False)
    email = EmailField(label="E-mail", required=False)
    other_emails = LineField(
        label="Other e-mails", required=False, help_text="Separate several with commas."
    )
    phone = LineField(max_length=50, required=False)
    linkedin_url = URLField(
        label="LinkedIn URL", max_length=300, required=False, assume_scheme="https"
    )
    location = LineField(max_length=NAME_LIMIT, required=False)
    time_zone = TimeZoneField(required=False, help_text="e.g. Europe/Berlin or America/Chicago.")
    # Not the first choice ("Friend or family") by default: a person added without saying
    # how they are known starts where every import starts them, with no connection yet.
    source = forms.ChoiceField(
        label="How you know them",
        choices=Source.choices,
        initial=Contact._meta.get_field("source").default,
    )
    met_at = LineField(
        label="Where you met",
        max_length=NAME_LIMIT,
        required=False,
        help_text="Written to them in a follow-up, e.g. “the Climate Careers meetup”.",
    )
    met_on = DateField(
        label="The day you met",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="With “Met at an event”, Today reminds you to follow up within two days.",
    )
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, initial=Priority.NORMAL)
    why_them = TextField(
        label="Why them, in one sentence to them",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Written to them, e.g. “Your talk on flood maps at the Service Design "
        "Gathering is why I am writing.” It opens your requests, nudges and LinkedIn notes.",
    )
    our_connection = TextField(
        label="How we are connected, as you would say it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Written to them, e.g. “We both studied geography at Northbank.” It follows "
        "the greeting in your requests and LinkedIn notes. Name a referrer here only if they "
        "said you may.",
    )
    connection_note = TextField(
        label="How we are connected (private note)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For you only, never put into a message: a mutual contact, a shared school "
        "or group, what a referrer asked of you.",
    )
    their_work = TextField(
        label="Their work (private note)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For you only, never put into a message: a project, article or talk of theirs "
        "to read before you write.",
    )
    research_notes = TextField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For you only, never put into a message; they appear on the prep sheet.",
    )
    tags = LineField(required=False, help_text="Separate tags with commas.")
    referred_by = OwnedChoiceField(queryset=Contact.objects.none(), required=False, empty_label="—")
    may_use_referrer_name = forms.BooleanField(
        label="They said I may mention the referrer's name", required=False
    )
    introducer = OwnedChoiceField(
        label="Who could introduce you",
        queryset=Contact.objects.none(),
        required=False,
        empty_label="—",
        help_text="Someone you know who knows them: Today suggests asking for an introduction.",
    )
    cadence_days = WholeNumberField(
        label="Keep in touch every … days",
        min_value=7,
        max_value=730,
        required=False,
        help_text="Leave empty to use your default.",
    )
    do_not_contact = forms.BooleanField(label="Do not contact", required=False)
    is_mentor = forms.BooleanField(
        label="A mentor to me",
        required=False,
        help_text="Someone whose advice you come back to. Keep-in-touch ideas for a mentor "
        "give something back first: an article, congratulations, an offer of help.",
    )
    # The answer to "Did you mean …?" when the organisation typed looks like one already kept.
    organization_choice = forms.ChoiceField(
        choices=[("existing", "the one I have"), ("new", "a new one")], required=False
    )

    def __init__(self, *args, owner: Owner, instance: Contact | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.similar_organization: Organization | None = None
        referrers = Contact.objects.owned_by(owner).order_by("name")
        if instance is not None:
            referrers = referrers.exclude(pk=instance.pk)
        referred_by = self.fields["referred_by"]
        assert isinstance(referred_by, forms.ModelChoiceField)
        referred_by.queryset = referrers
        introducer = self.fields["introducer"]
        assert isinstance(introducer, forms.ModelChoiceField)
        introducer.queryset = referrers
        self.fields["name"].widget.attrs.update(autofocus=True, autocomplete="off")
        # The co-worker caution appears as the organisation is typed.
        self.fields["organization_name"].widget.attrs.update(
            {
                "list": "organization-names",
                "autocomplete": "off",
                "hx-get": reverse("contacts:coworker_check"),
                "hx-trigger": "input changed delay:300ms, change",
                "hx-target": "#coworker",
            }
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name = cleaned.get("organization_name") or ""
        choice = cleaned.pop("organization_choice", "")
        similar = organization_similar(owner=self.owner, name=name) if name else None
        if similar is None or choice == "new":
            return cleaned
        if choice == "existing":
            cleaned["organization_name"] = similar.name
            return cleaned
        # Asked, not decided: a second "Brightwell Health" is easy to make and hard to notice.
        self.similar_organization = similar
        self.add_error("organization_name", f"Did you mean {similar.name}?")
        return cleaned

    def clean_other_emails(self) -> list[str]:
        emails = [e.strip() for e in self.cleaned_data["other_emails"].split(",") if e.strip()]
        field = EmailField()
        for email in emails:
            try:
                field.clean(email)
            except forms.ValidationError:
                raise forms.ValidationError(f"“{email}” is not a valid e-mail address.") from None
        return emails

    @staticmethod
    def initial_for(contact: Contact) -> dict:
        return {
            **{f: getattr(contact, f) for f in ContactForm.base_fields if hasattr(contact, f)},
            "organization_name": contact.organization.name if contact.organization else "",
            "other_emails": ", ".join(contact.other_emails),
            "tags": ", ".join(t.name for t in contact.tags.all()),
            "referred_by": contact.referred_by_id,
            "introducer": contact.introducer_id,
        }


class OrganizationForm(forms.ModelForm):
    website = URLField(max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = Organization
        formfield_callback = model_formfield
        fields = ["name", "website", "industry", "research_notes"]
        widgets = {"research_notes": forms.Textarea(attrs={"rows": 4})}


class ContactFilterForm(forms.Form):
    # Not stripped, so the size is checked on what was sent; the search splits it into words.
    q = LineField(label="Search", max_length=SEARCH_LIMIT, required=False, strip=False)
    source = forms.ChoiceField(choices=[("", "Any source"), *Source.choices], required=False)
    stage = forms.ChoiceField(choices=[("", "Any stage"), *Stage.choices], required=False)
    tag = forms.ChoiceField(choices=[("", "Any tag")], required=False)
    mentor = forms.ChoiceField(
        label="Who", choices=[("", "Everyone"), ("yes", "Mentors")], required=False
    )
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
    # The people of one import (the imports page links here to review them).
    batch = IdField(required=False)
    page = WholeNumberField(required=False, min_value=1)

    def __init__(self, *args, tags: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        tag = self.fields["tag"]
        assert isinstance(tag, forms.ChoiceField)
        tag.choices = [("", "Any tag"), *((t, t) for t in tags)]
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Name, organisation or title",
                "maxlength": SEARCH_LIMIT,
            }
        )

    def search_error(self) -> str:
        """Why the search words cannot be used, or "" when they can."""
        self.is_valid()
        return " ".join(str(error) for error in self.errors.get("q", []))

    def filters(self) -> dict[str, Any]:
        """Valid filters only: a bad value in the URL is ignored, not an error page."""
        self.is_valid()
        data: dict[str, Any] = {k: v for k, v in self.cleaned_data.items() if v and k != "page"}
        if data.get("sort") not in SORTS:
            data["sort"] = "name"
        if "mentor" in data:
            data["mentor"] = True
        return {"query": data.get("q", ""), **{k: v for k, v in data.items() if k != "q"}}

    def query_string(self) -> str:
        """The valid filters as a query string, for the links to the other pages."""
        self.is_valid()
        kept = {k: v for k, v in self.cleaned_data.items() if v and k != "page"}
        return urlencode(kept)


class SearchForm(forms.Form):
    """A search box and the page of its results, as a query string gives them."""

    q = LineField(label="Search", max_length=SEARCH_LIMIT, required=False)
    page = WholeNumberField(required=False, min_value=1)

    def value(self, name: str):
        """The field's value when valid; empty when missing or refused, as a bad link should
        show the first page rather than an error."""
        self.is_valid()
        return self.cleaned_data.get(name) or ""


class CoworkerCheckForm(forms.Form):
    organization_name = LineField(max_length=NAME_LIMIT, required=False)

    def name(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("organization_name") or ""


class _Checked(forms.MultipleChoiceField):
    """The boxes ticked: short lines, each checked against the checklist by the service,
    which names the person in its refusal."""

    def valid_value(self, value: str) -> bool:
        return is_single_line(value) and len(value) <= NAME_LIMIT


class ResearchForm(forms.Form):
    """The research checklist on a person's page: the steps done, for them and their
    organisation."""

    person = _Checked(choices=PersonResearch.choices, required=False)
    organization = _Checked(choices=OrganizationResearch.choices, required=False)
