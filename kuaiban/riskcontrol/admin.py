"""Risk points per item and officers' posts (岗位权限), set by the bureau."""

from __future__ import annotations

from django.contrib import admin

from kuaiban.riskcontrol.models import ItemRisk, Post


@admin.register(ItemRisk)
class ItemRiskAdmin(admin.ModelAdmin[ItemRisk]):
    list_display = ["item", "points", "source"]
    raw_id_fields = ["item"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = ["user", "category", "may_decide", "may_review", "central_review"]
    list_filter = ["may_review", "central_review"]
    raw_id_fields = ["user"]
