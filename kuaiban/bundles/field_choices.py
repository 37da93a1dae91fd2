"""Choices of a form field that come from the bureau's own records rather than the pack: a
field of type ``card_point`` lists the social security card service points, and offers the
applicant's nearest one. The app that keeps those records registers a provider for the field
type in its ``ready()`` (bundles imports no domain app's models)."""

from __future__ import annotations

from collections.abc import Callable

from kuaiban.shareddata.connectors import SharedProfile

# profile of the applicant (None when nothing is on file) → (choices, the one to offer first)
Provider = Callable[[SharedProfile | None], tuple[list[str], str | None]]

# What the providers gave while planning for one applicant (or none), by (field type, whether
# the applicant's records were asked): several scenarios planned at once read them once.
ChoicesMemo = dict[tuple[str, bool], tuple[list[str], str | None]]

_providers: dict[str, Provider] = {}


def field_choices_register(field_type: str, provider: Provider) -> None:
    _providers[field_type] = provider


def field_choices(field_type: str, profile: SharedProfile | None) -> tuple[list[str], str | None]:
    """The choices and the default for a field of ``field_type``; none without a provider."""
    provider = _providers.get(field_type)
    return provider(profile) if provider is not None else ([], None)
