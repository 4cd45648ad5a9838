from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class TranslatedPasswordChangeForm(AdminPasswordChangeForm):
    """Django's form, with its warning translated: Django 5.2 joins it to the help text untranslated."""

    usable_password_help_text = format_lazy(  # type: ignore[assignment]  # lazy, like Django's own text
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


class EdmonitorUserAdmin(UserAdmin):
    change_password_form = TranslatedPasswordChangeForm


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), EdmonitorUserAdmin)
