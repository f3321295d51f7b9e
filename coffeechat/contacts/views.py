from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coffeechat.accounts.services import profile_get
from coffeechat.agenda.upcoming import person_dates
from coffeechat.contacts import selectors, services
from coffeechat.contacts.forms import (
    ContactFilterForm,
    ContactForm,
    CoworkerCheckForm,
    OrganizationForm,
    ResearchForm,
    SearchForm,
)
from coffeechat.contacts.models import Contact, Organization, OrganizationResearch, PersonResearch
from coffeechat.contacts.organization_names import organization_names
from coffeechat.conversations.services import conversation_open_get
from coffeechat.lib.forms import apply_validation_error, error_text
from coffeechat.lib.requests import OwnerRequest
from coffeechat.lib.validation import SEARCH_LIMIT
from coffeechat.outreach.followup import follow_up_for
from coffeechat.outreach.models import MessageStatus
from coffeechat.outreach.selectors import message_list, next_step_for

PAGE_SIZE = 25


def _contact_for_user(request: OwnerRequest, pk: int) -> Contact:
    return get_object_or_404(selectors.contact_list(owner=request.user), pk=pk)


def _organization_for_user(request: OwnerRequest, pk: int) -> Organization:
    return get_object_or_404(selectors.organization_list(owner=request.user), pk=pk)


@require_GET
def contact_list(request: OwnerRequest) -> HttpResponse:
    tags = list(selectors.tag_list(owner=request.user).values_list("name", flat=True))
    filter_form = ContactFilterForm(request.GET, tags=tags)
    filters = filter_form.filters()
    search_error = filter_form.search_error()
    contacts = selectors.contact_list(owner=request.user, **filters)
    if search_error:
        contacts = contacts.none()
    page = Paginator(contacts, PAGE_SIZE).get_page(filter_form.cleaned_data.get("page"))
    context = {
        "filter_form": filter_form,
        "search_error": search_error,
        "page": page,
        "query_string": filter_form.query_string(),
        "filtered": any(v for k, v in filters.items() if k != "sort"),
        "has_any": page.paginator.count > 0 or selectors.has_contacts(owner=request.user),
    }
    template = (
        "contacts/contact_list.html#results" if request.htmx else "contacts/contact_list.html"
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def contact_create(request: OwnerRequest) -> HttpResponse:
    initial = {"organization_name": CoworkerCheckForm(request.GET).name()}
    form = ContactForm(request.POST or None, owner=request.user, initial=initial)
    return _contact_form_page(
        request, form, None, lambda data: services.contact_create(owner=request.user, **data)
    )


@require_http_methods(["GET", "POST"])
def contact_edit(request: OwnerRequest, contact_pk: int) -> HttpResponse:
    contact = _contact_for_user(request, contact_pk)
    form = ContactForm(
        request.POST or None,
        owner=request.user,
        instance=contact,
        initial=ContactForm.initial_for(contact),
    )
    return _contact_form_page(
        request,
        form,
        contact,
        lambda data: services.contact_update(owner=request.user, contact=contact, **data),
    )


def _contact_form_page(
    request: OwnerRequest,
    form: ContactForm,
    contact: Contact | None,
    save: Callable[[dict], Contact],
) -> HttpResponse:
    """The add and edit pages: save a valid form, or show why not (a duplicate links to it)."""
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "tags": services.parse_tags(form.cleaned_data["tags"])}
        try:
            saved = save(data)
        except services.DuplicateContact as error:
            duplicate = error.duplicate
            form.add_error(None, error.duplicate.reason)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{'Saved' if contact else 'Added'} {saved.name}.")
            return redirect(saved)
    return render(
        request,
        "contacts/contact_form.html",
        {
            "form": form,
            "contact": contact,
            "duplicate": duplicate,
            "coworker_warning": _form_coworker_warning(request, form),
            "organization_names": organization_names(owner=request.user),
        },
    )


def _form_coworker_warning(request: OwnerRequest, form: ContactForm) -> str:
    if form.is_bound:
        form.is_valid()
        name = form.cleaned_data.get("organization_name") or ""
    else:
        name = form.initial.get("organization_name") or ""
    organization = selectors.organization_list(owner=request.user).filter(name__iexact=name.strip())
    return services.coworker_warning(
        owner=request.user, organization=organization.first(), source=form["source"].value()
    )


@require_GET
def coworker_check(request: OwnerRequest) -> HttpResponse:
    """The caution shown live on the contact form as the organisation is typed."""
    name = CoworkerCheckForm(request.GET).name()
    employer = profile_get(owner=request.user).current_employer
    warning = ""
    if name and employer:
        warning = services.coworker_warning(
            owner=request.user, organization=Organization(owner=request.user, name=name)
        )
    return render(request, "contacts/contact_form.html#coworker", {"coworker_warning": warning})


@require_GET
def contact_detail(request: OwnerRequest, contact_pk: int) -> HttpResponse:
    contact = _contact_for_user(request, contact_pk)
    conversation = conversation_open_get(owner=request.user, contact=contact)
    context = {
        "contact": contact,
        "conversation": conversation,
        "next_step": next_step_for(owner=request.user, contact=contact),
        "follow_up": conversation
        and follow_up_for(owner=request.user, conversation=conversation, now=timezone.now()),
        "drafts": message_list(owner=request.user, contact=contact, status=MessageStatus.DRAFT),
        "timeline": selectors.contact_timeline(owner=request.user, contact=contact),
        "next_dates": person_dates(owner=request.user, contact=contact, now=timezone.now()),
        "referrals": contact.referrals.filter(owner=request.user),
        "coworker_warning": services.coworker_warning(
            owner=request.user, organization=contact.organization, source=contact.source
        ),
        "person_research": [
            (value, label, value in contact.research_done)
            for value, label in PersonResearch.choices
        ],
        "organization_research": contact.organization
        and [
            (value, label, value in contact.organization.research_done)
            for value, label in OrganizationResearch.choices
        ],
    }
    return render(request, "contacts/contact_detail.html", context)


@require_POST
def contact_research(request: OwnerRequest, contact_pk: int) -> HttpResponse:
    """The research checklist on a person's page: what is done, for them and their organisation."""
    contact = _contact_for_user(request, contact_pk)
    form = ResearchForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        services.contact_research_set(owner=request.user, contact=contact, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Research checklist saved.")
    return redirect(contact.get_absolute_url() + "#research")


@require_http_methods(["GET", "POST"])
def contact_delete(request: OwnerRequest, contact_pk: int) -> HttpResponse:
    contact = _contact_for_user(request, contact_pk)
    if request.method == "POST":
        services.contact_delete(owner=request.user, contact=contact)
        messages.success(request, f"Deleted {contact.name}.")
        return redirect("contacts:contact_list")
    counts = {
        "conversations": contact.conversations.count(),
        "messages": contact.messages.count(),
    }
    return render(request, "contacts/contact_delete.html", {"contact": contact, "counts": counts})


@require_GET
def organization_list(request: OwnerRequest) -> HttpResponse:
    search = SearchForm(request.GET)
    query = search.value("q")
    search_error = " ".join(str(e) for e in search.errors.get("q", []))
    organizations = selectors.organization_list(owner=request.user, query=query)
    if search_error:
        organizations = organizations.none()
    page = Paginator(organizations, PAGE_SIZE).get_page(search.value("page"))
    context = {
        "page": page,
        "query": query,
        "search_error": search_error,
        "search_limit": SEARCH_LIMIT,
    }
    return render(request, "contacts/organization_list.html", context)


@require_http_methods(["GET", "POST"])
def organization_create(request: OwnerRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Added {organization.name}.")
            return redirect(organization)
    return render(request, "contacts/organization_form.html", {"form": form})


@require_GET
def organization_detail(request: OwnerRequest, organization_pk: int) -> HttpResponse:
    organization = _organization_for_user(request, organization_pk)
    people = selectors.contact_list(owner=request.user, organization=organization)
    return render(
        request,
        "contacts/organization_detail.html",
        {
            "organization": organization,
            "people": people,
            "coworker_warning": services.coworker_warning(
                owner=request.user, organization=organization
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def organization_edit(request: OwnerRequest, organization_pk: int) -> HttpResponse:
    organization = _organization_for_user(request, organization_pk)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                owner=request.user, organization=organization, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Saved {organization.name}.")
            return redirect(organization)
    return render(
        request, "contacts/organization_form.html", {"form": form, "organization": organization}
    )


@require_http_methods(["GET", "POST"])
def organization_delete(request: OwnerRequest, organization_pk: int) -> HttpResponse:
    organization = _organization_for_user(request, organization_pk)
    if request.method == "POST":
        services.organization_delete(owner=request.user, organization=organization)
        messages.success(request, f"Deleted {organization.name}; its people are kept.")
        return redirect("contacts:organization_list")
    return render(request, "contacts/organization_delete.html", {"organization": organization})
