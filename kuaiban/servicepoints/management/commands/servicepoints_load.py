"""`kuaiban servicepoints_load [FILE …]`: load service points and address lists (default: every
file in packs/servicepoints/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kuaiban.core.errors import ApiError
from kuaiban.servicepoints.services import servicepoints_load


class Command(BaseCommand):
    help = "载入就近办服务网点与地址定位清单（packs/servicepoints/*.yaml）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="数据文件；默认全部")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"] or sorted(
            (Path(settings.KUAIBAN_PACKS_DIR) / "servicepoints").glob("*.yaml")
        )
        for path in files:
            try:
                result = servicepoints_load(path=path)
            except ApiError as error:
                raise CommandError(error.message) from None
            self.stdout.write(str(result))
