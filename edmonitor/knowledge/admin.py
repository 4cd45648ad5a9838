"""Staff edit the knowledge base here; every save marks the row as edited locally and refreshes its search index."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from edmonitor.knowledge.models import DialogueMethod, Entry, MethodStep, Source, SuggestionLink
from edmonitor.knowledge.services import reindex


class LocallyEditedAdmin(SimpleHistoryAdmin):
    """Marks a changed row ``locally_edited`` (a content load keeps it) and reindexes it with its relations."""

    readonly_fields = ("locally_edited",)

    def save_model(self, request, obj, form, change):
        obj.locally_edited = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reindex(form.instance)


@admin.register(Entry)
class EntryAdmin(LocallyEditedAdmin):
    list_display = ("title_nl", "kind", "edition", "audience", "source", "section", "locally_edited")
    list_filter = ("kind", "edition", "audience", "source", "locally_edited")
    search_fields = ("slug", "title_nl", "title_en", "summary_nl", "body_nl")
    autocomplete_fields = ("parent", "related")
    prepopulated_fields = {"slug": ("title_nl",)}


class MethodStepInline(admin.TabularInline):
    model = MethodStep
    extra = 0


@admin.register(DialogueMethod)
class DialogueMethodAdmin(LocallyEditedAdmin):
    list_display = ("name_nl", "aim", "min_group", "max_group", "role_clients", "section", "locally_edited")
    list_filter = ("aim", "role_clients", "role_relatives")
    search_fields = ("slug", "name_nl", "name_en", "summary_nl")
    filter_horizontal = ("core_tasks", "critical_situations")
    inlines = [MethodStepInline]


@admin.register(SuggestionLink)
class SuggestionLinkAdmin(admin.ModelAdmin):
    list_display = ("instrument", "item", "entry", "method", "section")
    list_filter = ("instrument", "item")
    autocomplete_fields = ("entry",)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("key", "title", "edition", "file")
