from django.contrib import admin

from edmonitor.core.admin_mixins import ReadOnlyAdminMixin

from .models import DownloadLog, Facility, Membership, Organisation


class FacilityInline(admin.TabularInline):
    model = Facility
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "clients", "staff_fte"]
    list_filter = ["sector"]
    search_fields = ["name"]
    inlines = [FacilityInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation__name"]


@admin.register(DownloadLog)
class DownloadLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the log is written by download_response and nobody edits or removes its rows here."""

    list_display = ["at", "username", "organisation", "kind", "description"]
    list_filter = ["kind"]
    search_fields = ["username", "organisation__name", "description", "filename"]
    date_hierarchy = "at"
