from django.contrib import admin

from .models import Facility, Membership, Organisation


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
