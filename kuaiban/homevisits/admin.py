from django.contrib import admin

from kuaiban.core.masking import mask_id_number
from kuaiban.homevisits.models import HomeVisit


@admin.register(HomeVisit)
class HomeVisitAdmin(admin.ModelAdmin[HomeVisit]):
    """Visits are requested, scheduled and closed on their pages; the admin reads them."""

    list_display = ("pk", "person", "region", "status", "owner", "scheduled_for", "outcome")
    list_filter = ("status", "outcome", "reason")
    exclude = ("person_id_number",)
    readonly_fields = ("application", "requested_by", "owner", "scheduled_by", "version")

    @admin.display(description="服务对象")
    def person(self, visit: HomeVisit) -> str:
        return f"{visit.person_name}（{mask_id_number(visit.person_id_number)}）"

    def has_add_permission(self, request: object) -> bool:
        return False
