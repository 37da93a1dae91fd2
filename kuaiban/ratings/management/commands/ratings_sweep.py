"""`kuaiban ratings_sweep`: invitations and the one reminder, default ratings, overdue alerts.

Run it every few minutes (cron, a systemd timer); every part is idempotent and claims its
work with a conditional UPDATE, so overlapping runs on several machines do no harm.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from kuaiban.ratings.services import (
    ratings_default_apply,
    ratings_invite_and_remind,
    ticket_overdue_alert,
)


class Command(BaseCommand):
    help = "好差评定时任务：评价邀请与提醒、超期默认评价、整改环节超期提醒"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="每批处理的数量")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, int(options["batch"]))
        invited = reminded = defaulted = alerted = 0
        while True:
            now = timezone.now()
            result = ratings_invite_and_remind(now=now, limit=batch)
            made = ratings_default_apply(now=now, limit=batch)
            sent = ticket_overdue_alert(now=now, limit=batch)
            invited, reminded = invited + result.invited, reminded + result.reminded
            defaulted, alerted = defaulted + made, alerted + sent
            self.stdout.write(
                f"邀请 {invited}，提醒 {reminded}，默认评价 {defaulted}，超期提醒 {alerted}"
            )
            if max(result.invited, result.reminded, made, sent) < batch:
                break
