from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kuaiban.accounts.models import ApiToken, LoginFailure, User
from kuaiban.accounts.services import token_revoke, token_revoke_all
from kuaiban.core.masking import mask_id_number, mask_phone

# Groups carry only Django's per-model permissions, which roles replace here.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = [
        "username",
        "display_name",
        "role",
        "agency",
        "region",
        "masked_id",
        "masked_phone",
    ]
    list_filter = ["role", "agency__kind", "region"]
    # Access follows the role (and an administrator is a superuser), so Django's per-model
    # permissions and groups — shown by Django in English — are left out of the form.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        (
            "快办",
            {
                "fields": (
                    "role",
                    "display_name",
                    "id_number",
                    "credit_code",
                    "phone",
                    "agency",
                    "region",
                )
            },
        ),
    )
    actions = ["revoke_all_tokens"]

    @admin.display(description="身份证号")
    def masked_id(self, user: User) -> str:
        return mask_id_number(user.id_number) if user.id_number else ""

    @admin.display(description="手机号")
    def masked_phone(self, user: User) -> str:
        return mask_phone(user.phone) if user.phone else ""

    @admin.action(description="撤销所选用户的全部接口访问令牌")
    def revoke_all_tokens(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        revoked = sum(token_revoke_all(user=user, actor=request.user) for user in queryset)
        self.message_user(request, f"已撤销 {revoked} 个令牌。", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are issued through the API only (the token is shown once, to its owner);
    the admin lists them and revokes them."""

    list_display = ["user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.action(description="撤销所选令牌", permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = sum(
            token_revoke(token=token, actor=request.user)
            for token in queryset.select_related("user")
        )
        self.message_user(request, f"已撤销 {revoked} 个令牌。", messages.SUCCESS)


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin[LoginFailure]):
    """Failed log-ins. Deleting the rows of a username lifts its suspension (e.g. after the
    person has called the help line and proved who they are)."""

    list_display = ["username", "ip", "created_at", "locks_until"]
    list_filter = [("locks_until", admin.EmptyFieldListFilter)]
    search_fields = ["username", "ip"]
    readonly_fields = ["username", "ip", "created_at", "locks_until"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LoginFailure | None = None) -> bool:
        return False
