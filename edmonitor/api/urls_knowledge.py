"""The API routes of knowledge (see edmonitor/api/knowledge.py): public framework content, not an organisation's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path

from . import knowledge

urlpatterns: list[URLPattern] = [
    path("api/v1/knowledge/", login_not_required(knowledge.KnowledgeList.as_view()), name="api_knowledge"),
    path(
        "api/v1/knowledge/<slug:slug>/",
        login_not_required(knowledge.KnowledgeEntry.as_view()),
        name="api_knowledge_entry",
    ),
]
