"""The audit trail: who did what to which object, and who read whose personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        help_text=_("系统自动操作时为空。"),
    )
    actor_label = models.CharField(
        _("操作人名称"),
        max_length=120,
        help_text=_("操作时的用户名或系统名称，账号删除后仍可追溯。"),
    )
    action = models.CharField(
        _("操作"), max_length=60, help_text=_("如 application.submit、application.read。")
    )
    object_type = models.CharField(_("对象类型"), max_length=40)
    object_id = models.CharField(_("对象标识"), max_length=60)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    changes = models.JSONField(
        _("变更内容"), default=dict, blank=True, help_text=_("变更的字段与取值（个人信息已脱敏）。")
    )

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_type}:{self.object_id}"
