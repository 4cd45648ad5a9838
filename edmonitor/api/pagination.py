from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """Every list in pages: ``?page=2``; ``?page_size=`` up to 500 (50 unless asked)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
