from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone


class UserTimeZoneMiddleware:
    """Shows every time in the user's own time zone (their profile), not the server's. The
    profile it reads is `request.profile`, for a view that reads it before changing anything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone_name = ""
        if request.user.is_authenticated:
            from coffeechat.accounts.services import profile_get

            request.profile = profile_get(owner=request.user)
            zone_name = request.profile.time_zone
        try:
            timezone.activate(ZoneInfo(zone_name)) if zone_name else timezone.deactivate()
        except (ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
