"""`kuaiban controls_load [path]`: the 告知承诺 check rules, item policies and risk points."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kuaiban.bundles.packfile.reader import PackFileError
from kuaiban.riskcontrol.controlfile import ControlFileError, controls_load, default_path


class Command(BaseCommand):
    help = "载入告知承诺核查规则与事项风险点（packs/controls/commitments.yaml）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"] or default_path()
        try:
            data = controls_load(path=path)
        except ControlFileError as error:
            raise CommandError("\n".join(str(p) for p in error.problems)) from None
        except PackFileError as error:
            raise CommandError(str(error.problem)) from None
        self.stdout.write(f"已载入 {len(data.rules)} 条核查规则、{len(data.items)} 个事项的设置")
