"""Security headers Django does not send by itself: a strict Content-Security-Policy and a
Permissions-Policy.

The pages load nothing from elsewhere and have no inline script, inline style or event-handler
attribute (scripts and styles are static files), so one policy allows only this origin, for
every page, the admin and the API documentation (Swagger UI from django-ninja's static files,
which styles what it draws through the DOM, not with inline styles). Images may also be
``data:`` URLs (the empty favicon). ``tests/browser/test_content_security_policy.py`` checks in
Chromium that pages log no violation.

Django's own middleware sends the rest: ``SecurityMiddleware`` X-Content-Type-Options,
Referrer-Policy and Cross-Origin-Opener-Policy, ``XFrameOptionsMiddleware`` X-Frame-Options
(see the ``SECURE_*`` and ``X_FRAME_OPTIONS`` settings).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in _STRICT.items())


def content_security_policy(*, images: list[str]) -> str:
    """The same policy, with images also from ``images`` (origins): the map page's tiles from
    the bureau's own tile server (``KUAIBAN_MAP_TILE_URL``). The page sets it on its response,
    which the middleware then leaves as it is."""
    policy = dict(_STRICT)
    policy["img-src"] = " ".join([policy["img-src"], *images])
    return "; ".join(f"{name} {value}" for name, value in policy.items())


# No page uses any of these browser features.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
