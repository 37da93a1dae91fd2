from typing import Any

from django import forms
from django.contrib import admin

from kuaiban.calendar.limits import TimeLimit, promised_within_legal
from kuaiban.catalogue.models import (
    Agency,
    FormField,
    ItemField,
    ItemMaterial,
    Material,
    Region,
    Route,
    ServiceItem,
    system_approval_problem,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["code", "name", "kind", "region", "delivery"]
    list_filter = ["kind", "region", "delivery"]
    search_fields = ["code", "name"]


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin[Route]):
    list_display = ["region", "agency_kind", "item", "agency"]
    list_filter = ["agency_kind", "region"]
    autocomplete_fields = ["agency", "item"]
    search_fields = ["agency__name", "region__name"]


class ItemMaterialInline(admin.TabularInline[ItemMaterial, ServiceItem]):
    model = ItemMaterial
    extra = 0
    autocomplete_fields = ["material"]


class ItemFieldInline(admin.TabularInline[ItemField, ServiceItem]):
    model = ItemField
    extra = 0
    autocomplete_fields = ["field"]


class ServiceItemForm(forms.ModelForm[ServiceItem]):
    class Meta:
        model = ServiceItem
        # Materials and form fields are edited in the inlines (through rows with a position).
        fields = [
            "status",
            "valid_from",
            "valid_until",
            "code",
            "name",
            "aliases",
            "category",
            "agency_kind",
            "target",
            "legal_limit_value",
            "legal_limit_unit",
            "promised_limit_value",
            "promised_limit_unit",
            "online",
            "onsite_required",
            "pays_money",
            "system_performs",
            "fee",
            "sources",
            "checks",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        problem = system_approval_problem(
            system_performs=bool(cleaned.get("system_performs")),
            pays_money=bool(cleaned.get("pays_money")),
        )
        if problem:
            self.add_error("system_performs", problem)
        # The pack parser's rule: a promised limit is never longer than the legal one.
        problem = promised_within_legal(
            promised=TimeLimit.from_parts(
                cleaned.get("promised_limit_value"), cleaned.get("promised_limit_unit")
            ),
            legal=TimeLimit.from_parts(
                cleaned.get("legal_limit_value"), cleaned.get("legal_limit_unit")
            ),
        )
        if problem:
            raise forms.ValidationError(problem, code="promised_over_legal")
        return cleaned


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin[ServiceItem]):
    form = ServiceItemForm
    list_display = [
        "code",
        "name",
        "agency_kind",
        "target",
        "promised_limit_value",
        "promised_limit_unit",
        "status",
        "valid_until",
    ]
    list_filter = [
        "status",
        "category",
        "agency_kind",
        "target",
        "pays_money",
        "system_performs",
        "online",
    ]
    search_fields = ["code", "name", "aliases"]
    inlines = [ItemMaterialInline, ItemFieldInline]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin[Material]):
    list_display = ["code", "name", "kind", "shared_source", "commitment_allowed", "key", "status"]
    list_filter = ["kind", "shared_source", "commitment_allowed", "key", "status"]
    search_fields = ["code", "name"]


@admin.register(FormField)
class FormFieldAdmin(admin.ModelAdmin[FormField]):
    list_display = ["key", "label", "field_type", "required", "prefill", "status"]
    list_filter = ["field_type", "required", "status"]
    search_fields = ["key", "label"]
