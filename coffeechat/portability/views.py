"""Importing a network from the browser: choose a file, see what would happen, confirm.

Between the preview and the confirmation the file is kept for the user (a browser cannot
re-send a file input): in the session when it is small, otherwise in the data directory under
imports/, deleted once confirmed, replaced, or an hour old.
"""

import base64
import io
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coffeechat.lib.forms import LineField, error_text
from coffeechat.lib.requests import OwnerRequest
from coffeechat.portability import batches
from coffeechat.portability.choosing import CHOICE_ERROR, LISTED_ROWS, chosen_rows, groups_of
from coffeechat.portability.importers import (
    KINDS,
    MAX_IMPORT_BYTES,
    ImportFileError,
    import_contacts,
    parse_file,
)
from coffeechat.portability.models import ImportBatch
from coffeechat.portability.reading import read_source

SESSION_KEY = "portability_import"
# The session is read on every request while a preview waits, so only a small file is kept
# in it; a larger one waits on disk.
SESSION_LIMIT = 64 * 1024
KEEP_SECONDS = 60 * 60
# Ranges of row positions: room for every other row of a very large export.
CHOICE_LIMIT = 600_000
BATCHES_SHOWN = 100


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you importing?",
        choices=list(KINDS.items()),
        initial="linkedin",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label="File", help_text=f"Up to {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")


class PositionsField(LineField):
    """Rows (or organisations) of a preview: ranges of positions in one value ("0-41,43"),
    as the page's script sends them, or one position per ticked box without JavaScript."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if isinstance(value, list | tuple):
            values = [str(v) for v in value]
            if len(values) > 1 and any("-" in v or "," in v for v in values):
                raise ValidationError(CHOICE_ERROR, code="choice")
            value = ",".join(values)
        return super().to_python(value)


class ConfirmForm(forms.Form):
    """The second step: the preview's token says which kept file to import.

    With `choosing`, only the rows chosen are imported: `row` names them and `group` whole
    organisations of the preview (PositionsField).
    """

    action = forms.ChoiceField(choices=[("confirm", "Import")])
    token = LineField(max_length=100, required=False)
    choosing = forms.BooleanField(required=False)
    row = PositionsField(max_length=CHOICE_LIMIT, required=False)
    group = PositionsField(max_length=CHOICE_LIMIT, required=False)


class TagForm(forms.Form):
    name = LineField(label="Tag", max_length=50)


@require_http_methods(["GET", "POST"])
def import_page(request: OwnerRequest) -> HttpResponse:
    _sweep_kept_files()
    confirm = ConfirmForm(request.POST if request.method == "POST" else None)
    if confirm.is_bound and not confirm.has_error("action"):
        return _confirm(request, confirm)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        try:
            data = read_source(upload, upload.name, archive=kind == "linkedin")
            incoming = parse_file(kind, data, filename=upload.name)
            summary = import_contacts(
                owner=request.user, incoming=incoming, dry_run=True, outcomes=True
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            token = _keep(request, kind=kind, filename=upload.name, data=data)
            return _preview(request, kind, upload.name, token, incoming, summary)
    return render(request, "portability/import.html", {"form": form})


def _preview(request, kind, filename, token, incoming, summary, error="") -> HttpResponse:
    groups = groups_of(incoming, summary.outcomes)
    context = {
        "summary": summary,
        "kind": KINDS[kind],
        "filename": filename,
        "token": token,
        "groups": groups,
        "choosable": sum(len(group.rows) for group in groups),
        "listed": len(incoming) <= LISTED_ROWS,
        "error": error,
    }
    return render(request, "portability/import_preview.html", context)


def _confirm(request: OwnerRequest, confirm: ConfirmForm) -> HttpResponse:
    found = _kept_upload(request, confirm.cleaned_data.get("token", ""))
    if found is None:
        messages.error(request, "That preview has expired. Choose the file again.")
        return redirect("portability:import")
    kept, data = found
    try:
        incoming = parse_file(kept["kind"], data, filename=kept["filename"])
    except ImportFileError as error:
        _forget(request)
        return _refused(request, kept, str(error))
    if confirm.cleaned_data.get("choosing"):
        try:
            if confirm.errors:
                raise ValidationError(CHOICE_ERROR)
            incoming = chosen_rows(
                incoming=incoming,
                rows=confirm.cleaned_data.get("row", ""),
                groups=confirm.cleaned_data.get("group", ""),
            )
        except ValidationError as error:
            # The preview stays, so the user can choose again.
            summary = import_contacts(
                owner=request.user, incoming=incoming, dry_run=True, outcomes=True
            )
            token = confirm.cleaned_data["token"]
            return _preview(
                request, kept["kind"], kept["filename"], token, incoming, summary, error_text(error)
            )
    try:
        summary = import_contacts(
            owner=request.user, incoming=incoming, kind=kept["kind"], filename=kept["filename"]
        )
    except ImportFileError as error:
        return _refused(request, kept, str(error))
    finally:
        _forget(request)
    messages.success(request, f"Imported {kept['filename']}: {summary}.")
    return redirect("portability:imports")


def _refused(request: OwnerRequest, kept: dict[str, Any], error: str) -> HttpResponse:
    form = ImportForm(initial={"kind": kept["kind"]})
    form.add_error(None, error)
    return render(request, "portability/import.html", {"form": form})


# The imports: a list of batches, each to tag, review or undo.


def _batch_for_user(request: OwnerRequest, pk: int) -> ImportBatch:
    try:
        return batches.batch_get(owner=request.user, pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


@require_GET
def import_list(request: OwnerRequest) -> HttpResponse:
    listed = list(batches.batch_list(owner=request.user)[:BATCHES_SHOWN])
    return render(request, "portability/import_list.html", {"batches": listed, "form": TagForm()})


@require_POST
def import_tag(request: OwnerRequest, batch_pk: int) -> HttpResponse:
    batch = _batch_for_user(request, batch_pk)
    form = TagForm(request.POST)
    if form.is_valid():
        try:
            tag = batches.batch_tag(owner=request.user, batch=batch, name=form.cleaned_data["name"])
        except ValidationError as error:
            messages.error(request, f"Tag: {error_text(error)}")
        else:
            messages.success(request, f"The people of {batch.filename} are tagged “{tag.name}”.")
    else:
        messages.error(request, f"Tag: {' '.join(str(e) for e in form.errors.get('name', []))}")
    return redirect("portability:imports")


@require_http_methods(["GET", "POST"])
def import_undo(request: OwnerRequest, batch_pk: int) -> HttpResponse:
    batch = _batch_for_user(request, batch_pk)
    if request.method == "POST":
        result = batches.batch_undo(owner=request.user, batch=batch)
        if result.already:
            messages.info(request, str(result))
        else:
            messages.success(request, f"Undid {batch.filename}: {result}")
        return redirect("portability:imports")
    plan = batches.undo_plan(owner=request.user, batch=batch)
    context = {
        "batch": batch,
        "plan": plan,
        "shown": batches.NAMES_SHOWN,
        "more": {
            name: max(0, len(getattr(plan, name)) - batches.NAMES_SHOWN)
            for name in ("remove", "keep", "reverts")
        },
        "reverts": [
            (revert, batches.fields_in_words(revert.fields))
            for revert in plan.reverts[: batches.NAMES_SHOWN]
        ],
    }
    return render(request, "portability/import_undo.html", context)


def _kept_dir() -> Path:
    return Path(settings.HOME) / "imports"


def _keep(request: OwnerRequest, *, kind: str, filename: str, data: bytes) -> str:
    _forget(request)
    token = secrets.token_urlsafe(16)
    kept: dict[str, Any] = {
        "token": token,
        "owner": request.user.pk,
        "kind": kind,
        "filename": filename,
        "at": time.time(),
    }
    if len(data) <= SESSION_LIMIT:
        kept["data"] = base64.b64encode(data).decode("ascii")
    else:
        _kept_dir().mkdir(mode=0o700, exist_ok=True)
        (_kept_dir() / f"{token}.upload").write_bytes(data)
    request.session[SESSION_KEY] = kept
    return token


def _kept_upload(request: OwnerRequest, token: str) -> tuple[dict[str, Any], bytes] | None:
    """This user's previewed file, if the form names it and it is not too old."""
    kept = request.session.get(SESSION_KEY)
    if (
        not kept
        or kept.get("owner") != request.user.pk
        or not token
        or not secrets.compare_digest(str(kept.get("token")), token)
        or time.time() - kept.get("at", 0) > KEEP_SECONDS
    ):
        return None
    if "data" in kept:
        return kept, base64.b64decode(kept["data"])
    try:
        return kept, (_kept_dir() / f"{kept['token']}.upload").read_bytes()
    except OSError:
        return None


def _forget(request: OwnerRequest) -> None:
    kept = request.session.pop(SESSION_KEY, None)
    if kept and "data" not in kept:
        (_kept_dir() / f"{kept['token']}.upload").unlink(missing_ok=True)


def _sweep_kept_files() -> None:
    """Files of previews nobody confirmed are deleted after an hour."""
    if not _kept_dir().is_dir():
        return
    oldest = time.time() - KEEP_SECONDS
    for path in _kept_dir().glob("*.upload"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
        except OSError:
            continue


EXPORTS = {
    "json": ("application/json", "coffeechat.json"),
    "csv": ("text/csv; charset=utf-8", "contacts.csv"),
    "vcard": ("text/vcard; charset=utf-8", "contacts.vcf"),
    "ics": ("text/calendar; charset=utf-8", "conversations.ics"),
}


@require_GET
def export_page(request: OwnerRequest) -> HttpResponse:
    return render(request, "portability/export.html")


@require_GET
def export_download(request: OwnerRequest, kind: str) -> HttpResponse:
    """The same files as `coffeechat export KIND`, for the signed-in user only."""
    if kind not in EXPORTS:
        raise Http404
    content_type, filename = EXPORTS[kind]
    if kind == "ics":
        from coffeechat.conversations.ics import calendar
        from coffeechat.conversations.scheduling import upcoming_conversations
        from coffeechat.outreach.delivery import organizer

        name, email = organizer(owner=request.user)
        data = calendar(
            conversations=list(upcoming_conversations(owner=request.user)),
            organizer_name=name,
            organizer_email=email,
        )
    else:
        from coffeechat.portability import exporters

        buffer = io.BytesIO()
        writers: dict[str, Callable[..., int | dict[str, int]]] = {
            "json": exporters.export_json,
            "csv": exporters.export_csv,
            "vcard": exporters.export_vcard,
        }
        write = writers[kind]
        write(owner=request.user, stream=buffer)
        data = buffer.getvalue()
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
