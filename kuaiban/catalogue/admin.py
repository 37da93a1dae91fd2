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


class ServiceItemAdminForm(forms.ModelForm[ServiceItem]):
    """Refuses a promised limit longer than the legal one (the pack parser's rule)."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        problem = promised_within_legal(
            promised=TimeLimit.from_parts(
                data.get("promised_limit_value"), data.get("promised_limit_unit")
            ),
            legal=TimeLimit.from_parts(data.get("legal_limit_value"), data.get("legal_limit_unit")),
        )
        if problem:
            raise forms.ValidationError(problem, code="promised_over_legal")
        return data


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin[ServiceItem]):
    form = ServiceItemAdminForm
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
    list_filter = ["status", "category", "agency_kind", "target", "pays_money", "online"]
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
