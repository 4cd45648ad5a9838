"""Form helpers shared by every app."""

from __future__ import annotations


class AccessibleFormMixin:
    """Tie help texts and errors to their inputs for screen readers (aria-describedby, aria-invalid)."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.describe_errors()

    def describe_errors(self) -> None:
        """(Re)tie help texts and errors to their inputs; call again after adding errors outside validation."""
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            bound = self[name]  # type: ignore[index]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if name in self.errors:  # type: ignore[attr-defined]
                ids.append(f"{bound.auto_id}_errors")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


def _login_form():
    from django.contrib.auth.forms import AuthenticationForm

    class LoginForm(AccessibleFormMixin, AuthenticationForm):
        pass

    return LoginForm


LoginForm = _login_form()
