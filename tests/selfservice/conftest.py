"""The self-service world: the demo accounts and their records (``selfservice_demo``), a demo
signing key in a temporary directory, and clients logged in as a demo account."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.certificates.signing import _signer, demo_key_write

ZHANG = "370102196503121234"  # working, Jinan
WANG = "320102198807150421"  # unemployed, Nanjing; holds a 房地产估价师 certificate
LI = "37010219620508122X"  # retired, Jinan


@pytest.fixture(scope="session")
def signing_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("signing")
    demo_key_write(key=folder / "key.pem", cert=folder / "cert.pem", bureau="人力资源和社会保障局")
    return folder


@pytest.fixture(autouse=True)
def signing_key(settings, signing_dir: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.KUAIBAN_SIGNING_KEY = signing_dir / "key.pem"
    settings.KUAIBAN_SIGNING_CERT = signing_dir / "cert.pem"
    _signer.cache_clear()
    return signing_dir


def as_user(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client
