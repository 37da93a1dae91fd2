from django.contrib import admin

from kuaiban.applications.models import (
    Application,
    ApplicationCommitment,
    ApplicationMaterial,
    SharedDataUse,
)
from kuaiban.core.masking import mask_id_number


class MaterialInline(admin.TabularInline[ApplicationMaterial, Application]):
    model = ApplicationMaterial
    extra = 0
    can_delete = False
    readonly_fields = [
        "code",
        "name",
        "provision",
        "file",
        "content_type",
        "size",
        "due_date",
        "supplied_at",
    ]
    exclude = ["sha256", "shared_record"]


class CommitmentInline(admin.TabularInline[ApplicationCommitment, Application]):
    model = ApplicationCommitment
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "material_code", "text", "signer", "signed_at"]


class SharedUseInline(admin.TabularInline[SharedDataUse, Application]):
    model = SharedDataUse
    extra = 0
    can_delete = False
    readonly_fields = ["source", "connector", "record", "used_for", "used_at"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin[Application]):
    list_display = [
        "number",
        "bundle",
        "applicant_name",
        "masked_identifier",
        "channel",
        "status",
        "submitted_at",
    ]
    list_filter = ["status", "channel", "pack"]
    search_fields = ["=number"]
    list_select_related = ["bundle"]
    readonly_fields = [f.name for f in Application._meta.fields]
    inlines = [MaterialInline, CommitmentInline, SharedUseInline]

    @admin.display(description="身份证号/信用代码")
    def masked_identifier(self, obj: Application) -> str:
        return mask_id_number(obj.applicant_id_number or obj.applicant_credit_code)

    def has_add_permission(self, request: object) -> bool:
        return False  # applications are submitted, not typed in the admin
