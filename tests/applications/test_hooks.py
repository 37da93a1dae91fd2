"""Submission reaches the sub-cases and window visits through interfaces that applications
declares and the upper apps register at start-up (`kuaiban/applications/hooks.py`)."""

from __future__ import annotations

import pytest

from kuaiban.applications import hooks
from kuaiban.cases.casework import SubCaseWork
from kuaiban.ratings.window import RatedWindowVisits


def test_cases_and_ratings_register_their_side_once_django_has_started() -> None:
    assert isinstance(hooks.casework(), SubCaseWork)
    assert isinstance(hooks.window_visits(), RatedWindowVisits)


def test_registering_again_replaces_and_never_doubles(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(hooks, "_casework", list(hooks._casework))
    hooks.casework_register(SubCaseWork())
    hooks.casework_register(SubCaseWork())
    assert len(hooks._casework) == 1


def test_without_cases_an_application_cannot_be_worked_and_says_why(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(hooks, "_casework", [])
    monkeypatch.setattr(hooks, "_window_visits", [])
    with pytest.raises(RuntimeError, match=r"kuaiban\.cases"):
        hooks.casework()
    assert hooks.window_visits() is None  # visits are simply not recorded without ratings
