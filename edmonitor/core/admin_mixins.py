"""What the admin site of every app shares."""

from __future__ import annotations

from typing import Any


class ReadOnlyAdminMixin:
    """An admin screen that only shows: nothing is added, changed or deleted there.

    For records that change only through their service functions (which keep the rules
    that come with a change, such as reopening judged goals) or never change at all.
    """

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
