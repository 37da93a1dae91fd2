from django.contrib import admin

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


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin[ServiceItem]):
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
