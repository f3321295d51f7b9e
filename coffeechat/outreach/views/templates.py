"""The template pages: the built-ins and the user's own, customising, editing, the live preview."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coffeechat.lib.forms import apply_validation_error
from coffeechat.lib.requests import OwnerRequest
from coffeechat.outreach import services, templating
from coffeechat.outreach.forms import TemplateForm, TemplateKindForm, TemplatePreviewForm
from coffeechat.outreach.models import Channel, Template
from coffeechat.outreach.templating import (
    BUILTINS,
    FIELDS,
    LINKEDIN_NOTE_CHARS,
    TEMPLATE_KINDS,
    sample_fields,
    template_check,
)


def _template_for_user(request: OwnerRequest, pk: int) -> Template:
    return get_object_or_404(Template.objects.owned_by(request.user), pk=pk)


def _override_for(request: OwnerRequest, key: str) -> Template | None:
    return Template.objects.owned_by(request.user).filter(builtin_key=key).first()


@require_GET
def template_list(request: OwnerRequest) -> HttpResponse:
    own = list(Template.objects.owned_by(request.user))
    overrides = {t.builtin_key: t for t in own if t.builtin_key in BUILTINS}
    groups = [
        {
            "label": label,
            "builtins": [
                {"slug": slug, "template": b, "override": overrides.get(slug)}
                for slug, b in BUILTINS.items()
                if b.kind == kind
            ],
            "own": [t for t in own if t.kind == kind and t.builtin_key not in BUILTINS],
        }
        for kind, label in TEMPLATE_KINDS
    ]
    context = {
        "groups": [g for g in groups if g["builtins"] or g["own"]],
        "has_own": any(t.builtin_key not in BUILTINS for t in own),
        "fields": FIELDS,
    }
    return render(request, "outreach/template_list.html", context)


def _form_page(request: OwnerRequest, form: TemplateForm, **context) -> HttpResponse:
    # The preview shows what the form accepted; a refused field shows its error instead.
    data = TemplatePreviewForm(form.data if form.is_bound else form.initial)
    context.update(form=form, fields=FIELDS)
    context.update(_preview(request, data))
    return render(request, "outreach/template_form.html", context)


@require_http_methods(["GET", "POST"])
def template_create(request: OwnerRequest) -> HttpResponse:
    query = TemplateKindForm(request.GET)
    kind = (query.is_valid() and query.cleaned_data["kind"]) or "request"
    initial = {"kind": kind, "channel": Channel.EMAIL}
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_create(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Saved the template “{template.name}”.")
            return redirect("outreach:template_list")
    return _form_page(request, form)


@require_http_methods(["GET", "POST"])
def template_customise(request: OwnerRequest, key: str) -> HttpResponse:
    builtin = BUILTINS.get(key)
    if builtin is None:
        raise Http404("No such built-in template.")
    override = _override_for(request, key)
    if override is not None:
        messages.info(
            request, f"You have already customised “{builtin.name}”: here is your version."
        )
        return redirect("outreach:template_edit", template_pk=override.pk)
    initial = {f: getattr(builtin, f) for f in ("name", "kind", "channel", "subject", "body")}
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_create(owner=request.user, builtin_key=key, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Saved your version of “{builtin.name}”.")
            return redirect("outreach:template_list")
    return _form_page(request, form, builtin=builtin)


@require_http_methods(["GET", "POST"])
def template_edit(request: OwnerRequest, template_pk: int) -> HttpResponse:
    template = _template_for_user(request, template_pk)
    initial = {f: getattr(template, f) for f in services.TEMPLATE_FIELDS}
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_update(owner=request.user, template=template, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Saved the template “{template.name}”.")
            return redirect("outreach:template_list")
    return _form_page(request, form, template=template, builtin=BUILTINS.get(template.builtin_key))


@require_http_methods(["GET", "POST"])
def template_delete(request: OwnerRequest, template_pk: int) -> HttpResponse:
    template = _template_for_user(request, template_pk)
    builtin = BUILTINS.get(template.builtin_key)
    if request.method == "POST":
        services.template_delete(owner=request.user, template=template)
        if builtin is not None:
            messages.success(request, f"Restored the original “{builtin.name}”.")
        else:
            messages.success(request, f"Deleted the template “{template.name}”.")
        return redirect("outreach:template_list")
    return render(
        request, "outreach/template_delete.html", {"template": template, "builtin": builtin}
    )


def _preview(request: OwnerRequest, form: TemplatePreviewForm) -> dict:
    """The template filled in with sample values, or what stops it from being filled in."""
    if not form.is_valid():
        return {"preview_errors": form.errors}
    data = form.cleaned_data
    subject, body = data["subject"], data["body"]
    try:
        template_check(subject=subject, body=body)
    except ValidationError as error:
        return {"preview_errors": error.message_dict}
    values = sample_fields(owner=request.user)
    filled, errors = {}, {}
    for field, template_text in (("subject", subject), ("body", body)):
        try:
            filled[field] = templating.render(template_text, values)
        except ValidationError as error:
            errors[field] = error.messages
    if errors:
        return {"preview_errors": errors}
    text = filled["body"]
    return {
        "preview_subject": filled["subject"],
        "preview_body": text,
        "preview_linkedin": data.get("channel") == Channel.LINKEDIN,
        "preview_chars": len(text),
        "preview_limit": LINKEDIN_NOTE_CHARS,
        "preview_no_profile": not (values["my_name"] and values["area"]),
    }


@require_POST
def template_preview(request: OwnerRequest) -> HttpResponse:
    """The live preview under the template form."""
    context = _preview(request, TemplatePreviewForm(request.POST))
    return render(request, "outreach/template_form.html#preview", context)
