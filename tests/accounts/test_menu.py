"""The site menu: every role finds the pages it works in, from any page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kuaiban.accounts.models import Role
from kuaiban.accounts.selectors import menu_for

pytestmark = pytest.mark.django_db
ROLE_PAGES = {"经办工作台", "监督", "一窗受理", "我的办件", "在线办理", "差评整改", "管理后台"}


def _menu(client: Client) -> dict[str, str]:
    page = client.get("/items/").content.decode()
    nav = page[page.index('<nav aria-label="主导航">') : page.index("</nav>")]
    return {label: url for url, label in re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.OFFICER, {"经办工作台": "/workbench/", "差评整改": "/ratings/tickets/"}),
        (Role.SUPERVISOR, {"监督": "/supervision/", "差评整改": "/ratings/tickets/"}),
        (Role.CLERK, {"一窗受理": "/window/"}),
        (Role.PERSON, {"我的办件": "/me/", "在线办理": "/apply/"}),
    ],
)
def test_each_role_has_its_pages_in_the_menu(
    make_user, role: str, expected: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(make_user(role=role))
    menu = _menu(client)
    for label, url in expected.items():
        assert menu.get(label) == url, menu
    # No other role's pages.
    assert set(menu) & ROLE_PAGES == set(expected) & ROLE_PAGES


def test_an_anonymous_visitor_sees_only_the_public_links(client: Client) -> None:
    assert set(_menu(client)) == {"一件事", "服务事项", "就近办", "进度查询", "登录"}


def test_the_api_document_is_linked_from_the_footer_not_the_people_s_menu(client: Client) -> None:
    page = client.get("/items/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert '<a href="/api/v1/docs">开放接口文档</a>' in footer
    assert "/api/v1/docs" not in page[: page.index("<footer")]


def test_a_superuser_made_from_the_command_line_gets_the_admin(make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(role=Role.PERSON, is_superuser=True)
    assert ("管理后台", "/admin/") in menu_for(user)
