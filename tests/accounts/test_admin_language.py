"""The admin in Simplified Chinese: no English sentence on the pages administrators use."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kuaiban.accounts.models import Role

pytestmark = pytest.mark.django_db

# Two or more English words in a row: a sentence or a label, not an acronym such as HMAC.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ’'][A-Za-z]{2,})+")


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    html = re.sub(r"kuaiban \w+", " ", html)  # a command to run is named as it is typed
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def admin_client(make_user) -> Client:  # type: ignore[no-untyped-def]
    admin = make_user(role=Role.ADMIN, username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/catalogue/serviceitem/add/",
        "/admin/catalogue/agency/add/",
        "/admin/bundles/pack/",
    ],
)
def test_admin_pages_have_no_english_sentences(admin_client: Client, url: str) -> None:
    response = admin_client.get(url)
    assert response.status_code == 200
    text = _visible_text(response.content.decode())
    assert ENGLISH.findall(text) == []


def test_the_user_form_leaves_out_djangos_english_permissions(
    admin_client: Client, make_user
) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(role=Role.OFFICER)
    page = admin_client.get(f"/admin/accounts/user/{officer.pk}/change/").content.decode()
    assert 'name="user_permissions"' not in page and 'name="groups"' not in page
    assert 'name="role"' in page and 'name="agency"' in page
    assert ENGLISH.findall(_visible_text(page)) == []
    assert admin_client.get("/admin/auth/group/").status_code == 404
