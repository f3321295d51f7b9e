from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coffeechat.accounts.forms import PitchForm, ProfileForm
from coffeechat.accounts.services import login_link_use, profile_get, profile_update
from coffeechat.lib.forms import apply_validation_error
from coffeechat.lib.requests import OwnerRequest
from coffeechat.lib.text import speaking_time, word_count
from coffeechat.lib.validation import check_size

_password_login = LoginView.as_view(
    template_name="accounts/login.html", redirect_authenticated_user=True
)


# GET because the link is opened from a terminal; HEAD is refused so a link preview that only
# peeks at the URL cannot use it up.
@login_not_required
@require_GET
def login_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = login_link_use(token=token)
    except ValidationError as error:
        return render(
            request, "accounts/login_link_refused.html", {"error": error.messages[0]}, status=400
        )
    auth_login(request, user)
    return redirect(settings.LOGIN_REDIRECT_URL)


@login_not_required
def login(request: HttpRequest) -> HttpResponseBase:
    if settings.MULTIUSER:
        return _password_login(request)
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/login_local.html")


@login_not_required
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def profile(request: OwnerRequest) -> HttpResponse:
    current = profile_get(owner=request.user)
    form = ProfileForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Saved your pitch and goals.")
            return redirect("accounts:profile")
    pitch = form.cleaned_data.get("pitch", "") if form.is_bound else current.pitch
    return render(request, "accounts/profile.html", {"form": form, **_timing(pitch)})


@require_POST
def pitch_timing(request: OwnerRequest) -> HttpResponse:
    """The live word count and speaking time under the pitch field."""
    form = PitchForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/profile.html#timing", {"pitch_refusal": form.errors["pitch"][0]}
        )
    return render(request, "accounts/profile.html#timing", _timing(form.cleaned_data["pitch"]))


def _timing(pitch: str) -> dict:
    """The word count and speaking time of `pitch`, or why it is too long to be timed."""
    try:
        check_size(pitch)
    except ValidationError as error:
        return {"pitch_refusal": error.messages[0]}
    return {"pitch_words": word_count(pitch), "pitch_time": speaking_time(pitch)}
