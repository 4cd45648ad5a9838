"""Template filters shared by all apps."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def tr(text):
    """Show a multilingual definition text (instruments.definition.Text) in the active language."""
    if text is None:
        return ""
    get = getattr(text, "get", None)
    return get(get_language()) if callable(get) else text


@register.filter
def person(user):
    """A user's full name, or their user name when no name is recorded."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
