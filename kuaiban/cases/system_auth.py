"""Which agency's own system sent a signed request: the outbox core's signature rule with the
agencies' secrets."""

from __future__ import annotations

from django.http import HttpRequest

from kuaiban.catalogue.models import Agency
from kuaiban.integrations.signing import verify_path_request


def _agency_and_secret(code: str) -> tuple[Agency, str] | None:
    agency = Agency.objects.filter(code=code).exclude(webhook_secret="").first()
    return (agency, agency.webhook_secret) if agency is not None else None


def agency_verify_request(request: HttpRequest, *, now: float | None = None) -> Agency:
    """The agency that signed ``request`` (`verify_path_request`); 401 otherwise."""
    return verify_path_request(request, signer_of=_agency_and_secret, now=now)
