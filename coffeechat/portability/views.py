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
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from coffeechat.lib.forms import LineField
from coffeechat.lib.requests import OwnerRequest
from coffeechat.portability.importers import (
    KINDS,
    MAX_IMPORT_BYTES,
    ImportFileError,
    import_contacts,
    parse_file,
)
from coffeechat.portability.reading import read_source

SESSION_KEY = "portability_import"
# The session is read on every request while a preview waits, so only a small file is kept
# in it; a larger one waits on disk.
SESSION_LIMIT = 64 * 1024
KEEP_SECONDS = 60 * 60


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you importing?",
        choices=list(KINDS.items()),
        initial="linkedin",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label="File", help_text=f"Up to {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")


class ConfirmForm(forms.Form):
    """The second step: the preview's token says which kept file to import."""

    action = forms.ChoiceField(choices=[("confirm", "Import")])
    token = LineField(max_length=100, required=False)


@require_http_methods(["GET", "POST"])
def import_page(request: OwnerRequest) -> HttpResponse:
    _sweep_kept_files()
    confirm = ConfirmForm(request.POST if request.method == "POST" else None)
    if confirm.is_bound and not confirm.has_error("action"):
        return _confirm(request, confirm.cleaned_data.get("token", ""))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        try:
            data = read_source(upload, upload.name)
            incoming = parse_file(kind, data, filename=upload.name)
            summary = import_contacts(owner=request.user, incoming=incoming, dry_run=True)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            token = _keep(request, kind=kind, filename=upload.name, data=data)
            context = {"summary": summary, "kind": KINDS[kind], "filename": upload.name}
            return render(request, "portability/import_preview.html", {**context, "token": token})
    return render(request, "portability/import.html", {"form": form})


def _confirm(request: OwnerRequest, token: str) -> HttpResponse:
    found = _kept_upload(request, token)
    if found is None:
        messages.error(request, "That preview has expired. Choose the file again.")
        return redirect("portability:import")
    kept, data = found
    try:
        incoming = parse_file(kept["kind"], data, filename=kept["filename"])
        summary = import_contacts(owner=request.user, incoming=incoming)
    except ImportFileError as error:
        form = ImportForm(initial={"kind": kept["kind"]})
        form.add_error(None, str(error))
        return render(request, "portability/import.html", {"form": form})
    finally:
        _forget(request)
    messages.success(request, f"Imported {kept['filename']}: {summary}.")
    return redirect("contacts:contact_list")


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
