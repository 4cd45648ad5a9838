from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from edmonitor.core.admin_mixins import ReadOnlyAdminMixin

from . import imports
from .models import ImportBatch, InstrumentVersion, ItemResponse, Measurement


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: versions come from the definition files and never change once used."""

    list_display = ["code", "version", "checksum", "loaded_at"]


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


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Imports, read-only. An import is undone as a whole (the action, or the organisation's Imports page),
    which reopens goals judged at its measurements; it is never deleted."""

    list_display = ["organisation", "file_name", "status", "imported", "skipped", "created_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["organisation__name", "file_name"]
    exclude = ["content"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name != "content"]
    actions = ["undo"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Undo the selected imports (remove their measurements)"))
    def undo(self, request, queryset):
        undone = [imports.undo_import(batch, user=request.user) for batch in queryset.order_by("pk")]
        done = [u for u in undone if u is not None]
        removed = sum(u.removed for u in done)
        self.message_user(
            request,
            ngettext(
                "%(n)s import undone: %(removed)s measurements removed.",
                "%(n)s imports undone: %(removed)s measurements removed.",
                len(done),
            )
            % {"n": len(done), "removed": removed},
            messages.SUCCESS,
        )
        if len(done) < len(undone):
            self.message_user(request, _("Imports not (or no longer) imported were left as they are."), messages.INFO)
