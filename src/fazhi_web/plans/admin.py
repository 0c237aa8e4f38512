from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from simple_history.admin import SimpleHistoryAdmin

from .models import Alias, Jurisdiction, Membership, Plan, Unit, UnitGroup


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "level", "parent")


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ("name", "jurisdiction", "is_active")
    list_filter = ("jurisdiction",)
    search_fields = ("name",)


admin.site.register(UnitGroup)
admin.site.register(Alias)
admin.site.register(Membership)
admin.site.register(Plan, SimpleHistoryAdmin)
admin.site.site_header = "法治政府建设任务管理 · 系统管理"


class KeptUserAdmin(UserAdmin):
    """People are deactivated, never deleted: the history names who did each thing, and deleting a person would
    empty that name (``history_user``) in every row of the history they wrote."""

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


admin.site.unregister(User)
admin.site.register(User, KeptUserAdmin)
