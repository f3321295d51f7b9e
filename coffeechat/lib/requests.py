"""The request a view receives once the login middleware has let it through."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from coffeechat.lib.owned import Owner


class OwnerRequest(HttpRequest):
    """A request from a signed-in user: `user` is the owner whose rows the view may touch.

    For type checking only; views receive Django's own request object, with `htmx` set by
    django-htmx's middleware.
    """

    user: Owner
    htmx: HtmxDetails
