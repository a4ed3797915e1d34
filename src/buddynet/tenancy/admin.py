from django.contrib import admin

from .models import Membership, Network, Organisation, Project


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "network", "legal_status", "town")
    list_filter = ("network", "legal_status")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "target_group", "require_coordinator_2fa", "is_active")
    list_filter = ("organisation__network", "is_active")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "project", "network", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__email",)
    autocomplete_fields = ("user",)
