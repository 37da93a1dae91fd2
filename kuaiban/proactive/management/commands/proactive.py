"""`kuaiban proactive validate|load|demo`: the rules file and the demo's offers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kuaiban.accounts.models import User
from kuaiban.bundles.packfile.files import PackInvalid
from kuaiban.proactive.demo import proactive_demo, rules_path
from kuaiban.proactive.rulefile import rules_read
from kuaiban.proactive.services.rules import rules_load


class Command(BaseCommand):
    help = (
        "免申即办规则：validate 校验规则文件（逐条给出 文件:行号）；load 载入为草稿（须另一人审核、发布）；"
        "demo 演示：载入、审核、发布并比对，演示账号即可看到服务。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["validate", "load", "demo"])
        parser.add_argument(
            "file", nargs="?", default=None, help="规则文件（默认 packs/proactive/rules.yaml）"
        )
        parser.add_argument("--author", default="admin", help="起草人账号（load、demo）")
        parser.add_argument("--reviewer", default="supervisor-sd", help="审核发布人账号（demo）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]) if options["file"] else rules_path()
        try:
            if options["action"] == "validate":
                specs = rules_read(path)
                self.stdout.write(self.style.SUCCESS(f"{path}：{len(specs)} 条规则，校验通过"))
            elif options["action"] == "load":
                author = self._user(options["author"])
                for loaded in rules_load(actor=author, path=path):
                    state = "新草稿" if loaded.created else "未变"
                    self.stdout.write(f"{loaded.version}：{state}")
            else:
                author, reviewer = self._user(options["author"]), self._user(options["reviewer"])
                for run in proactive_demo(author=author, reviewer=reviewer):
                    self.stdout.write(
                        f"{run.version}（{run.period}）：符合条件 {run.eligible}，新生成 {run.created}"
                    )
        except PackInvalid as exc:
            raise CommandError("\n".join(str(p) for p in exc.problems)) from exc

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号“{username}”不存在，请先运行 kuaiban demo_setup")
        return user
