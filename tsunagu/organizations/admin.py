from __future__ import annotations

from django.contrib import admin

from tsunagu.audit.admin_site import AuditedModelAdmin
from tsunagu.organizations.models import Area, Corporation, Membership, Organization


@admin.register(Area)
class AreaAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "parent", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Corporation)
class CorporationAdmin(AuditedModelAdmin):
    list_display = ["name", "name_kana"]
    search_fields = ["name", "name_kana"]


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "has_accounts", "caseload_cap", "is_active"]
    list_filter = ["kind", "has_accounts", "is_active"]
    search_fields = ["name", "name_kana", "short_name", "code"]
    autocomplete_fields = ["corporation"]
    filter_horizontal = ["areas_served"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "organization", "job_title", "role", "is_primary", "is_active"]
    list_filter = ["job_title", "role", "is_active"]
    search_fields = ["user__username", "user__full_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
