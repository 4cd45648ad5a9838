from django.contrib import admin

from edmonitor.core.admin_mixins import ReadOnlyAdminMixin

from .access_log import record
from .models import AccessAction, AccessEvent, EmailDomain, Facility, Membership, Organisation


class FacilityInline(admin.TabularInline):
    model = Facility
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class EmailDomainInline(admin.TabularInline):
    model = EmailDomain
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "clients", "staff_fte"]
    list_filter = ["sector"]
    search_fields = ["name"]
    inlines = [FacilityInline, MembershipInline, EmailDomainInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation__name"]


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the access log is written by edmonitor.organisations.access_log alone; reading it is logged."""

    list_display = ["at", "username", "action", "kind", "object_id", "organisation", "client", "filename"]
    list_filter = ["action"]
    search_fields = ["username", "kind", "path", "filename", "description"]
    date_hierarchy = "at"
    list_select_related = ["organisation"]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            record(request, action=AccessAction.VIEW, kind="access_log_admin")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and str(object_id).isdigit():
            record(request, action=AccessAction.VIEW, kind="access_log_admin", object_id=int(object_id))
        return response
