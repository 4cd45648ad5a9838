"""Read-only admin views of the improvement plan: every change goes through the pages (services.py)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, DialogueSession, Goal, SessionOutcome


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Goal)
class GoalAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["organisation", "instrument", "item", "goal_type", "target", "set_on", "code"]
    list_filter = ["instrument", "goal_type", "code"]
    search_fields = ["organisation__name", "description"]


@admin.register(Action)
class ActionAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["organisation", "title", "owner", "due_on", "status"]
    list_filter = ["status"]
    search_fields = ["organisation__name", "title", "owner"]


class OutcomeInline(ReadOnly, admin.TabularInline):
    model = SessionOutcome
    extra = 0


@admin.register(DialogueSession)
class DialogueSessionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["organisation", "method", "held_on"]
    search_fields = ["organisation__name", "question"]
    inlines = [OutcomeInline]
