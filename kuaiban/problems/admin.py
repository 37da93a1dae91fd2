from django.contrib import admin

from kuaiban.core.masking import mask_phone
from kuaiban.problems.models import ProblemReport


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin[ProblemReport]):
    """Reports are filed and answered on their pages; the admin reads them (and may correct
    an owner), it does not file or close them."""

    list_display = ("number", "region", "item", "owner_agency", "status", "due_at", "phone")
    list_filter = ("status", "channel")
    search_fields = ("number",)
    readonly_fields = (
        "number",
        "channel",
        "filed_by",
        "reporter",
        "reporter_name",
        "contact",
        "region",
        "item",
        "description",
        "filed_at",
        "escalated_at",
        "resolution",
        "resolved_by",
        "resolved_at",
        "satisfied",
        "feedback",
        "feedback_at",
        "version",
        "status",
    )

    @admin.display(description="联系电话")
    def phone(self, report: ProblemReport) -> str:
        return mask_phone(report.contact)

    def has_add_permission(self, request: object) -> bool:
        return False
