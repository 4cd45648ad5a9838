"""The forms a person uses for their own account: profile, password change and password reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from edmonitor.core.forms import AccessibleFormMixin


class ResetRequestForm(AccessibleFormMixin, PasswordResetForm):
    """The e-mail address to send a reset link to; the page says the same whether or not it has an account."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.pop("autofocus", None)  # the skip link comes first (see LoginForm)
        if not self.is_bound:  # a bound form ties its errors when it is cleaned
            self.describe_errors()


class NewPasswordForm(AccessibleFormMixin, SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget.attrs.pop("autofocus", None)
        if not self.is_bound:  # a bound form ties its errors when it is cleaned
            self.describe_errors()


class ChangePasswordForm(AccessibleFormMixin, PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        if not self.is_bound:  # a bound form ties its errors when it is cleaned
            self.describe_errors()


class ProfileForm(AccessibleFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        help_text=_("A new address counts once you click the link we send to it."),
    )
    language = forms.ChoiceField(
        label=_("Interface language"), choices=[("", _("Not chosen (Dutch)")), *settings.LANGUAGES], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # a bound form ties its errors when it is cleaned
            self.describe_errors()

    def clean_email(self) -> str:
        return str(self.cleaned_data.get("email") or "").strip()
