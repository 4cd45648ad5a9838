"""Invitations in the admin: to look up and withdraw, never to edit (a changed row would not match its mail)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import invitations
from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "audit", "sent_at", "status_shown"]
    list_filter = ["organisation"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = [f.name for f in Invitation._meta.fields if f.name != "nonce"]
    exclude = ["nonce"]
    actions = ["withdraw"]

    @admin.display(description=_("status"))
    def status_shown(self, obj: Invitation) -> str:
        return obj.get_status_display()

    def has_add_permission(self, request, obj=None):  # invitations are made on the members page or by `invite`
        return False

    def has_delete_permission(self, request, obj=None):  # withdrawn, not deleted: the history stays
        return False

    @admin.action(description=_("Withdraw the chosen invitations"))
    def withdraw(self, request, queryset):
        done = 0
        for invitation in queryset.open():
            invitations.withdraw(invitation)
            done += 1
        self.message_user(request, _("%(count)s invitations withdrawn.") % {"count": done}, messages.SUCCESS)
