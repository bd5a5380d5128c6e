from __future__ import annotations

from django.contrib import admin

from tsunagu.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lookup only (for membership autocompletion).  Users are managed under アカウント管理, whose
    services end sessions and write the audit log."""

    search_fields = ["username", "full_name", "full_name_kana"]
    list_display = ["username", "full_name", "is_active", "is_superuser"]
    fields = ("username", "full_name", "full_name_kana", "email", "is_active", "is_superuser")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
