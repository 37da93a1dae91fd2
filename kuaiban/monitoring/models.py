"""What the metrics endpoint reads besides the outbox: the workers' heartbeats."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per worker process, updated every few seconds while it runs.

    The web nodes serve the metrics, the workers are other processes (other machines): the
    database is where both meet. A row not updated for a while is a worker that stopped.
    """

    worker_id = models.CharField(
        _("工作进程"),
        max_length=120,
        unique=True,
        help_text=_("主机名:进程号，与发件箱的领取者一致。"),
    )
    started_at = models.DateTimeField(_("启动时间"), help_text=_("该工作进程开始运行的时间。"))
    seen_at = models.DateTimeField(
        _("最近心跳"), db_index=True, help_text=_("该工作进程最近一次报告仍在运行的时间。")
    )
    passes = models.PositiveBigIntegerField(
        _("轮数"), default=0, help_text=_("启动以来完成的投递与巡检轮数。")
    )
    delivered = models.PositiveBigIntegerField(
        _("已送达"), default=0, help_text=_("启动以来送达的发件箱消息数。")
    )
    swept_at = models.DateTimeField(
        _("最近巡检"),
        null=True,
        blank=True,
        help_text=_("该工作进程最近一次完成办结时限巡检的时间；空为尚未巡检。"),
    )

    class Meta:
        verbose_name = _("工作进程心跳")
        verbose_name_plural = _("工作进程心跳")

    def __str__(self) -> str:
        return self.worker_id
