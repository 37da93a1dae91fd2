"""Ratings in the admin: read-mostly (the loop is worked on the ticket pages, with audit)."""

from __future__ import annotations

from django.contrib import admin

from kuaiban.ratings.models import (
    Rating,
    RatingInvitation,
    RectificationTicket,
    TicketStep,
    WindowVisit,
)


@admin.register(WindowVisit)
class WindowVisitAdmin(admin.ModelAdmin[WindowVisit]):
    list_display = ["applicant_name", "clerk", "region", "agency", "visited_at"]
    list_filter = ["region"]
    date_hierarchy = "visited_at"
    raw_id_fields = ["applicant", "clerk", "application"]
    readonly_fields = ["visited_at"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin[Rating]):
    list_display = [
        "pk",
        "subject",
        "level",
        "agency",
        "region",
        "rated_at",
        "is_default",
        "excluded",
    ]
    list_filter = ["subject", "level", "is_default", "excluded", "region"]
    date_hierarchy = "rated_at"
    search_fields = ["application__number"]
    raw_id_fields = ["application", "visit", "rated_by"]
    # A rating is what the person said: nobody edits it. Exclusion goes through the loop.
    readonly_fields = [
        "subject",
        "application",
        "visit",
        "level",
        "indicators",
        "comment",
        "rated_by",
        "real_name",
        "is_default",
        "agency",
        "region",
        "rated_at",
        "excluded",
        "exclusion_reason",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False


class TicketStepInline(admin.TabularInline[TicketStep, RectificationTicket]):
    model = TicketStep
    extra = 0
    can_delete = False
    fields = ["kind", "owner", "owner_agency", "due_at", "done_at", "outcome", "note"]
    readonly_fields = ["kind", "done_at", "outcome", "note"]
    raw_id_fields = ["owner"]


@admin.register(RectificationTicket)
class RectificationTicketAdmin(admin.ModelAdmin[RectificationTicket]):
    list_display = ["pk", "agency", "status", "verification", "rectification_mode", "opened_at"]
    list_filter = ["status", "verification", "rectification_mode"]
    date_hierarchy = "opened_at"
    readonly_fields = [
        "rating",
        "agency",
        "status",
        "version",
        "opened_at",
        "verification",
        "rectification_mode",
        "rectified_at",
        "closed_at",
    ]
    inlines = [TicketStepInline]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(RatingInvitation)
class RatingInvitationAdmin(admin.ModelAdmin[RatingInvitation]):
    list_display = ["application", "completed_at", "invited_at", "reminded_at"]
    raw_id_fields = ["application"]
    readonly_fields = ["completed_at", "invited_at", "reminded_at"]
