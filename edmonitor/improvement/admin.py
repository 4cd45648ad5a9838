"""Read-only admin views of the improvement plan: every change goes through the pages (the services package)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from edmonitor.core.admin_mixins import ReadOnlyAdminMixin

from .models import Action, DialogueSession, Goal, SessionOutcome


@admin.register(Goal)
class GoalAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["organisation", "instrument", "item", "goal_type", "target", "set_on", "code"]
    list_filter = ["instrument", "goal_type", "code"]
    search_fields = ["organisation__name", "description"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["organisation", "title", "owner", "due_on", "status"]
    list_filter = ["status"]
    search_fields = ["organisation__name", "title", "owner"]


class OutcomeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SessionOutcome
    extra = 0


@admin.register(DialogueSession)
class DialogueSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "method", "held_on"]
    search_fields = ["organisation__name", "question"]
    inlines = [OutcomeInline]
