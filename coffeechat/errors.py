"""Error pages in the app's own frame, with its navigation and a way back.

Django renders 400.html, 403.html, 403_csrf.html and 404.html from the templates directory by
itself; the server error and the refused method need the code below.
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

logger = logging.getLogger(__name__)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page with the navigation; without it when even that cannot be rendered (the
    signed-in user comes from the database, which may be what failed)."""
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("The 500 page with navigation failed; rendering it without.")
        return defaults.server_error(request)


def _back_url(request: HttpRequest) -> str:
    referer = request.headers.get("referer", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if referer and same_site else "/"


class MethodNotAllowedPageMiddleware:
    """A POST-only address opened as a link (a bookmark, a link copied from the page) gets a
    page that says the action needs its button, instead of the browser's bare error.

    Only Django's empty 405 is replaced; htmx requests keep it, since they swap nothing in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or getattr(request, "htmx", False):
            return response
        page = render(request, "405.html", {"back_url": _back_url(request)}, status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
