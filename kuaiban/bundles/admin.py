from django.contrib import admin

from kuaiban.bundles.models import (
    Bundle,
    BundleItem,
    ContactPoint,
    HotItem,
    Pack,
    Question,
    Scenario,
    SpeedUp,
)


class BundleInline(admin.TabularInline[Bundle, Pack]):
    model = Bundle
    fields = ["code", "name", "target", "mode"]
    extra = 0
    show_change_link = True


@admin.register(Pack)
class PackAdmin(admin.ModelAdmin[Pack]):
    list_display = ["code", "name", "region", "document", "version", "loaded_at"]
    readonly_fields = ["content_hash", "loaded_at", "file_name"]
    inlines = [BundleInline]


class ScenarioInline(admin.TabularInline[Scenario, Bundle]):
    model = Scenario
    fields = ["code", "name", "target", "mode", "source"]
    extra = 0
    show_change_link = True


class QuestionInline(admin.TabularInline[Question, Bundle]):
    model = Question
    extra = 0


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin[Bundle]):
    list_display = ["pack", "code", "name", "target", "mode"]
    list_filter = ["pack", "mode", "target"]
    search_fields = ["name"]
    inlines = [ScenarioInline, QuestionInline]


class BundleItemInline(admin.TabularInline[BundleItem, Scenario]):
    model = BundleItem
    fields = ["item", "seed_name", "required", "stage", "when", "source"]
    autocomplete_fields = ["item"]
    extra = 0


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin[Scenario]):
    list_display = ["bundle", "code", "name", "mode"]
    list_filter = ["bundle__pack", "mode"]
    inlines = [BundleItemInline]


@admin.register(SpeedUp)
class SpeedUpAdmin(admin.ModelAdmin[SpeedUp]):
    list_display = [
        "pack",
        "seq",
        "seed_name",
        "legal_text",
        "promised_text",
        "promised_limit_value",
        "promised_limit_unit",
        "promised_set_by",
    ]
    list_filter = ["pack", "promised_set_by"]
    list_editable = ["promised_limit_value", "promised_limit_unit"]


@admin.register(HotItem)
class HotItemAdmin(admin.ModelAdmin[HotItem]):
    list_display = ["pack", "seq", "seed_name", "channels"]
    list_filter = ["pack"]


@admin.register(ContactPoint)
class ContactPointAdmin(admin.ModelAdmin[ContactPoint]):
    list_display = ["pack", "name", "level"]
    list_filter = ["pack", "level"]
