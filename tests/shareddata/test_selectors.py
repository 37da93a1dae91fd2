"""lookup_person / lookup_enterprise, the configured connector, and the settings check."""

from __future__ import annotations

import logging
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured

from kuaiban.accounts.models import Role
from kuaiban.shareddata.access import access_shared_lookup, access_shared_profile
from kuaiban.shareddata.checks import shared_data_settings_check
from kuaiban.shareddata.connectors import (
    SHARED_SOURCES,
    HttpConnector,
    LocalConnector,
    default_connector,
)
from kuaiban.shareddata.selectors import (
    NOTICE_NOT_FOUND,
    NOTICE_UNAVAILABLE,
    lookup_enterprise,
    lookup_person,
)
from tests.conftest import make_credit_code, make_id_number


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def platform_down(settings):
    settings.KUAIBAN_SHARED_DATA = "http"
    settings.KUAIBAN_SHARED_DATA_URL = _closed_port_url()
    settings.KUAIBAN_SHARED_DATA_TIMEOUT = 0.5


def test_found_locally(make_person):
    person = make_person(name="王五")
    result = lookup_person(id_number=person.id_number.lower())
    assert result.available and result.connector == "local" and result.notice == ""
    assert result.profile.values["person.name"] == "王五"


def test_not_found_locally(db):
    result = lookup_enterprise(credit_code=make_credit_code())
    assert (result.profile, result.available, result.notice) == (None, True, NOTICE_NOT_FOUND)


def test_unavailable_is_logged_masked(platform_down, caplog):
    number = make_id_number(seq="456")
    with caplog.at_level(logging.WARNING, logger="kuaiban.shareddata"):
        result = lookup_person(id_number=number)
    assert (result.available, result.notice, result.connector) == (
        False,
        NOTICE_UNAVAILABLE,
        "http",
    )
    assert "无法连接共享数据平台" in caplog.text
    assert number not in caplog.text
    assert f"{number[:6]}********{number[-4:]}" in caplog.text


def test_a_clerk_gets_no_profile_and_no_error_when_the_platform_is_down(platform_down, make_user):
    clerk = make_user(role=Role.CLERK)
    number = make_id_number(seq="456")
    assert access_shared_profile(user=clerk, id_number=number, credit_code=None) is None
    result = access_shared_lookup(user=clerk, id_number=number, credit_code=None)
    assert result is not None and result.notice == NOTICE_UNAVAILABLE


def test_the_default_is_local(settings):
    # The declared defaults (kuaiban/settings.py); tests/core/test_settings_env.py checks that
    # the environment variables change them.
    assert (settings.KUAIBAN_SHARED_DATA, settings.KUAIBAN_SHARED_DATA_URL) == ("local", "")
    assert isinstance(default_connector(), LocalConnector)
    assert shared_data_settings_check() == []


def test_http_is_configured_from_settings(settings):
    settings.KUAIBAN_SHARED_DATA = "http"
    settings.KUAIBAN_SHARED_DATA_URL = "https://share.example.gov.cn/api/"
    settings.KUAIBAN_SHARED_DATA_TIMEOUT = "2.5"
    settings.KUAIBAN_SHARED_DATA_TOKEN = "t0k"
    connector = default_connector()
    assert isinstance(connector, HttpConnector)
    assert (connector.url, connector.timeout) == ("https://share.example.gov.cn/api", 2.5)
    assert shared_data_settings_check() == []


@pytest.mark.parametrize(
    ("kind", "url", "timeout", "message"),
    [
        ("ftp", "", 3, "KUAIBAN_SHARED_DATA 应为 local 或 http"),
        ("http", "", 3, "须设置 KUAIBAN_SHARED_DATA_URL"),
        ("local", "", "soon", "KUAIBAN_SHARED_DATA_TIMEOUT 应为正数"),
        ("local", "", 0, "KUAIBAN_SHARED_DATA_TIMEOUT 应为正数"),
    ],
)
def test_wrong_settings_fail_the_check(settings, kind, url, timeout, message):
    settings.KUAIBAN_SHARED_DATA = kind
    settings.KUAIBAN_SHARED_DATA_URL = url
    settings.KUAIBAN_SHARED_DATA_TIMEOUT = timeout
    errors = shared_data_settings_check()
    assert [e.id for e in errors] == ["shareddata.E001"]
    assert message in errors[0].msg
    with pytest.raises(ImproperlyConfigured, match=message):
        default_connector()


def test_plain_http_to_another_host_is_warned_about(settings):
    settings.KUAIBAN_SHARED_DATA = "http"
    settings.KUAIBAN_SHARED_DATA_URL = "http://share.example.gov.cn/api"
    assert [m.id for m in shared_data_settings_check()] == ["shareddata.W001"]


def test_record_sources_are_the_catalogue_sources():
    from kuaiban.catalogue.models import SharedSource

    assert set(SHARED_SOURCES) == set(SharedSource.values)
