"""`AdminLoginForm`: the admin's log-in under the same throttle (for AdminSite.login_form)."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from kuaiban.accounts.forms import AdminLoginForm
from kuaiban.accounts.models import Role
from tests.accounts.conftest import PASSWORD


def form(username, password):
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR="10.9.9.9")
    request.session = SessionStore()
    return AdminLoginForm(request, data={"username": username, "password": password})


def test_staff_may_log_in(make_user):
    admin = make_user(role=Role.ADMIN, is_staff=True)
    login = form(admin.username, PASSWORD)
    assert login.is_valid()
    assert login.get_user() == admin


def test_non_staff_get_the_same_message_as_a_wrong_password(make_user):
    person = make_user()
    not_staff = form(person.username, PASSWORD)
    wrong = form(person.username, "wrong password")
    assert not not_staff.is_valid()
    assert not wrong.is_valid()
    assert not_staff.non_field_errors() == wrong.non_field_errors()


def test_admin_log_in_is_throttled(make_user, clock):
    admin = make_user(role=Role.ADMIN, is_staff=True)
    for _ in range(5):
        assert not form(admin.username, "wrong password").is_valid()
    locked = form(admin.username, PASSWORD)
    assert not locked.is_valid()
    assert "登录失败次数过多" in locked.non_field_errors()[0]
