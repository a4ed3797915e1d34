"""Django admin: superusers only, outside the tenant scope (an explicit opt-out)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


def _superuser_only(request) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superuser_only
admin.site.site_header = _("buddynet administration")
admin.site.site_title = "buddynet"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_email", "action", "content_type", "object_code", "via")
    list_filter = ("via", "content_type")
    search_fields = ("action", "actor_email", "object_code")
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return AuditEntry.unscoped.all()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
