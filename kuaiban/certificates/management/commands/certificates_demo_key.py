"""`kuaiban certificates_demo_key`: a demo signing key and certificate at the configured paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from kuaiban.certificates.signing import demo_key_write


class Command(BaseCommand):
    help = (
        "生成演示用的签章密钥和证书（KUAIBAN_SIGNING_KEY / KUAIBAN_SIGNING_CERT）；已存在则不覆盖。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="覆盖已有的密钥和证书")

    def handle(self, *args: Any, **options: Any) -> None:
        key, cert = Path(settings.KUAIBAN_SIGNING_KEY), Path(settings.KUAIBAN_SIGNING_CERT)
        written = demo_key_write(
            key=key, cert=cert, bureau=settings.KUAIBAN_SIGNING_SEAL_NAME, force=options["force"]
        )
        self.stdout.write(f"{'已生成' if written else '已存在'}演示签章证书：{cert}")
