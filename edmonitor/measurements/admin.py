from django.contrib import admin

from .models import InstrumentVersion, ItemResponse, Measurement


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(admin.ModelAdmin):
    """Read-only: versions come from the definition files and never change once used."""

    list_display = ["code", "version", "checksum", "loaded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ItemResponseInline(admin.TabularInline):
    model = ItemResponse
    extra = 0
    readonly_fields = ["item_id", "score", "derived", "goal_code", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    """Measurements are changed through the application's form (which rescores); the admin only shows them.

    Nor does it delete them: deleting a follow-up measurement must reopen the goals judged
    at it, which only the organisation page's delete does (see ``measurement_delete``)."""

    list_display = ["organisation", "measured_on", "label", "total", "level", "origin"]
    list_filter = ["origin", "level", "instrument_version"]
    search_fields = ["organisation__name", "label"]
    inlines = [ItemResponseInline]
    readonly_fields = [f.name for f in Measurement._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
