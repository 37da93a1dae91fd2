"""The administrator's side of 免申即办: rule versions (approve, publish — by another person,
with the preview count and the test cases shown), runs with their progress, offers (read-only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from kuaiban.accounts.models import User
from kuaiban.core.errors import ApiError
from kuaiban.proactive.models import Objection, Offer, ProactiveRun, RuleVersion
from kuaiban.proactive.services.rules import rule_approve, rule_preview, rule_publish


@admin.register(RuleVersion)
class RuleVersionAdmin(admin.ModelAdmin[RuleVersion]):
    list_display = [
        "rule",
        "number",
        "status",
        "author",
        "approver",
        "preview_count",
        "published_at",
    ]
    list_filter = ["status", "rule"]
    readonly_fields = [f.name for f in RuleVersion._meta.fields]  # published versions never change
    actions = ["approve", "preview", "publish"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from the rules file (`kuaiban proactive load`)

    def _each(self, request: HttpRequest, queryset: QuerySet[RuleVersion], act) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(request.user, User)
        for version in queryset:
            try:
                message = act(request.user, version)
                self.message_user(request, f"{version}：{message}", level=messages.SUCCESS)
            except ApiError as error:
                self.message_user(request, f"{version}：{error.message}", level=messages.ERROR)

    @admin.action(description="审核通过（审核人不得是起草人）", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[RuleVersion]) -> None:
        self._each(
            request, queryset, lambda user, v: rule_approve(actor=user, version=v) and "已审核"
        )

    @admin.action(description="预览：当前数据中符合条件的对象数与测试用例", permissions=["view"])
    def preview(self, request: HttpRequest, queryset: QuerySet[RuleVersion]) -> None:
        def show(_user: User, version: RuleVersion) -> str:
            result = rule_preview(version=version)
            passed = sum(1 for t in result.tests if t["passed"])
            return f"符合条件 {result.count:,}；测试用例通过 {passed}/{len(result.tests)}"

        self._each(request, queryset, show)

    @admin.action(description="发布（运行测试用例并记录预览数）", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[RuleVersion]) -> None:
        def act(user: User, version: RuleVersion) -> str:
            published = rule_publish(actor=user, version=version)
            return f"已发布，符合条件 {published.preview_count:,}"

        self._each(request, queryset, act)


@admin.register(ProactiveRun)
class ProactiveRunAdmin(admin.ModelAdmin[ProactiveRun]):
    list_display = [
        "version",
        "period",
        "trigger",
        "status",
        "progress_shown",
        "eligible",
        "created",
        "data_as_of",
    ]
    list_filter = ["status", "trigger"]
    readonly_fields = [f.name for f in ProactiveRun._meta.fields]

    @admin.display(description="进度")
    def progress_shown(self, run: ProactiveRun) -> str:
        return f"{run.chunks_done}/{run.chunks_total}（{run.progress:.0%}）"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs start from the API or `run_start`


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin[Offer]):
    list_display = [
        "rule_code",
        "period",
        "status",
        "region_code",
        "amount",
        "deadline",
        "created_at",
    ]
    list_filter = ["status", "rule_code", "period"]
    readonly_fields = [f.name for f in Offer._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin[Objection]):
    list_display = ["offer", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Objection._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
