"""The bureau's settings (check rules, sampling rate per item, partner bodies) and the checks and
失信 records, read-only: they change only through the services, each step audited."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from kuaiban.commitments.models import (
    AssistancePartner,
    CheckRule,
    CommitmentCheck,
    CreditRecord,
    ItemPolicy,
)


@admin.register(CheckRule)
class CheckRuleAdmin(admin.ModelAdmin[CheckRule]):
    list_display = ["material_code", "method", "online_path", "partner_kind", "due_working_days"]
    list_filter = ["method"]


@admin.register(ItemPolicy)
class ItemPolicyAdmin(admin.ModelAdmin[ItemPolicy]):
    list_display = ["item", "sample_rate", "sample_seed", "refuse_when_discredited"]
    raw_id_fields = ["item"]


@admin.register(AssistancePartner)
class AssistancePartnerAdmin(admin.ModelAdmin[AssistancePartner]):
    list_display = ["code", "name", "kind", "region"]
    list_filter = ["kind"]


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # nothing is deleted


@admin.register(CommitmentCheck)
class CommitmentCheckAdmin(_ReadOnly):
    list_display = ["application", "material_name", "method", "status", "due_at", "overdue"]
    list_filter = ["method", "status", "overdue"]


@admin.register(CreditRecord)
class CreditRecordAdmin(_ReadOnly):
    list_display = ["name", "recorded_at", "active"]
    list_filter = ["active"]
