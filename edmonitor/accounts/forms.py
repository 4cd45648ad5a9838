"""The forms of accounts: profile, password change and reset, invitations and the invited person's new account."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edmonitor.audits.models import Position
from edmonitor.core.forms import AccessibleFormMixin, date_input
from edmonitor.organisations.models import Role

from . import tokens
from .models import TokenScope


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


class TokenForm(AccessibleFormMixin, forms.Form):
    """A new API token: what it is for, what it may do, until when (checked by :func:`tokens.create`)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_('What will use the token, for example "Power BI dashboard".'),
    )
    scope = forms.ChoiceField(
        label=_("The token may"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_('Choose "read only" unless a program must add measurements or goals.'),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=date_input(),
        help_text=_("At most a year from today. After that date the token stops working."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=tokens.DEFAULT_DAYS)
        if not self.is_bound:  # a bound form ties its errors when it is cleaned
            self.describe_errors()


# --- invitations ------------------------------------------------------------------------------


class InviteForm(AccessibleFormMixin, forms.Form):
    """An e-mail address and the role it is invited to, on the organisation's members page."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send a link to this address. It works for 7 days and only once."),
    )
    # The fewest rights unless the inviter chooses more.
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if not self.is_bound:  # a bound form ties its errors when it is cleaned
            self.describe_errors()


class AuditorInviteForm(AccessibleFormMixin, forms.Form):
    """An e-mail address invited to one of the two places of one audit."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send a link to this address. It works for 7 days and only once."),
    )
    place = forms.TypedChoiceField(
        label=_("Place"),
        coerce=int,
        choices=[(1, _("First auditor")), (2, _("Second auditor"))],
        widget=forms.RadioSelect,
        help_text=_(
            "The person now in this place stops being an auditor of this audit once the invitation is accepted."
        ),
    )
    position = forms.ChoiceField(
        label=_("The invited auditor is"), choices=Position.choices, initial=Position.EXTERNAL, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason for replacing an auditor"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed only when the auditor in this place has already saved scores or a rationale."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if not self.is_bound:  # a bound form ties its errors when it is cleaned
            self.describe_errors()


class NewAccountForm(AccessibleFormMixin, forms.Form):
    """The invited person's name and password, when no account has the invited address yet."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Type the same password again, to be sure there is no typing error."),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        if not self.is_bound:  # a bound form ties its errors when it is cleaned
            self.describe_errors()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            person = get_user_model()(
                username=self.email,
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, person)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


# --- two-step verification ------------------------------------------------------------------------


class CodeForm(AccessibleFormMixin, forms.Form):
    """A code of the authenticator app (six digits) or, at the second step, a recovery code."""

    code = forms.CharField(label=_("Code from the app"), max_length=32)

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.widget.attrs.update({"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"})
        if recovery:
            field.help_text = _("The 6 digits your app shows now. Lost your phone? Type one of your recovery codes.")
        else:
            field.widget.attrs["inputmode"] = "numeric"
            field.help_text = _("The 6 digits your app shows now.")
        if not self.is_bound:  # a bound form ties its errors when it is cleaned
            self.describe_errors()
