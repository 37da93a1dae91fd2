"""Supervision reads go to the read replica when `DATABASE_REPLICA_URL` configures one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.urls import resolve

from kuaiban.core.db_router import REPLICA, ReplicaRouter, replica_reads
from kuaiban.integrations.models import OutboxMessage
from kuaiban.supervision import views

# The tests change which databases the settings name, not the connections Django holds.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def test_reads_go_to_the_replica_only_inside_supervision_and_only_when_configured(settings):
    router = ReplicaRouter()
    settings.DATABASES = {**settings.DATABASES, REPLICA: dict(settings.DATABASES["default"])}
    assert router.db_for_read(OutboxMessage) is None
    with replica_reads():
        assert router.db_for_read(OutboxMessage) == REPLICA
        assert router.db_for_write(OutboxMessage) == "default"
    assert router.db_for_read(OutboxMessage) is None
    assert router.allow_migrate("default", "integrations") and not router.allow_migrate(
        REPLICA, "integrations"
    )


def test_without_a_replica_supervision_reads_the_primary(settings):
    settings.DATABASES = {k: v for k, v in settings.DATABASES.items() if k != REPLICA}
    with replica_reads():
        assert ReplicaRouter().db_for_read(OutboxMessage) is None


def test_every_supervision_page_runs_under_replica_reads():
    for path in (
        "/supervision/",
        "/supervision/items/",
        "/supervision/report.pdf",
        "/supervision/export/items.xlsx",
    ):
        func = resolve(path).func
        assert getattr(func, "__wrapped__", None) is not None, path
        assert func.__wrapped__ in vars(views).values(), path


def test_the_setting_adds_the_replica_database_and_the_router():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['replica']['HOST'], s.DATABASES['replica']['TEST'], s.DATABASE_ROUTERS)"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "kuaiban.settings_test",
        "DATABASE_URL": "postgres://postgres@primary.internal:5432/kuaiban",
        "DATABASE_REPLICA_URL": "postgres://reader@replica.internal:5432/kuaiban",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split()[0] == "replica.internal"
    assert "'MIRROR': 'default'" in out.stdout and "ReplicaRouter" in out.stdout
