"""`kuaiban demo_setup`: regions, agencies, demo accounts (demo/accounts.json) and shared data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from kuaiban.demo.setup import demo_authorisations, demo_setup


class Command(BaseCommand):
    help = "创建演示地区、经办机构、演示账号与共享数据（可重复运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_setup(accounts_file=Path(settings.BASE_DIR) / "demo" / "accounts.json")
        for found in demo_authorisations(today=timezone.localdate()):
            self.stdout.write(
                f"亲情代办授权：{found.grantor.display_name} 授权 {found.agent.display_name}"
                f"（至 {found.valid_until.isoformat()}）"
            )
        self.stdout.write("演示账号（demo/accounts.json）：")
        for a in accounts:
            where = a.get("agency") or a.get("region") or ""
            self.stdout.write(
                f"  {a['role']:<10} {a['username']:<16} 密码 {a['password']:<14} {where}"
            )
