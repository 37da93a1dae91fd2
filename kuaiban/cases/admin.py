from django.contrib import admin

from kuaiban.cases.models import SubCase


@admin.register(SubCase)
class SubCaseAdmin(admin.ModelAdmin[SubCase]):
    list_display = ["application", "seed_name", "agency", "stage", "status", "due_at"]
    list_filter = ["status", "agency_kind"]
    search_fields = ["=application__number"]
    list_select_related = ["application", "agency"]
