"""`home_url_for`: where each role starts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from kuaiban.accounts.models import Role, User
from kuaiban.accounts.selectors import home_url_for


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.PERSON, "/me/"),
        (Role.UNIT, "/me/"),
        (Role.CLERK, "/window/"),
        (Role.OFFICER, "/workbench/"),
        (Role.SUPERVISOR, "/supervision/"),
        (Role.ADMIN, "/admin/"),
    ],
)
def test_each_role_has_its_start_page(role, url):
    assert home_url_for(User(role=role)) == url


def test_a_superuser_starts_in_the_admin_whatever_the_role():
    assert home_url_for(User(role=Role.PERSON, is_superuser=True)) == "/admin/"


def test_anonymous_visitors_start_on_the_public_home_page():
    assert home_url_for(AnonymousUser()) == "/"
