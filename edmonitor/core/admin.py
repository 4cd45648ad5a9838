from django.contrib import admin

from .models import DownloadLog


@admin.register(DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin):
    """Read-only: the log is written by download_response and nobody edits or removes its rows here."""

    list_display = ["at", "username", "organisation", "kind", "description"]
    list_filter = ["kind"]
    search_fields = ["username", "organisation__name", "description", "filename"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
