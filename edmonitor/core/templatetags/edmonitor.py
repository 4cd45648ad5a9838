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
