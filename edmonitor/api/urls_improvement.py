"""The API routes of improvement (see edmonitor/api/improvement.py): an organisation's goals and actions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path

from . import improvement

organisation = "api/v1/organisations/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path(organisation + "goals/", login_not_required(improvement.GoalList.as_view()), name="api_goals"),
    path(organisation + "goals/<int:goal_pk>/", login_not_required(improvement.GoalDetail.as_view()), name="api_goal"),
    path(organisation + "actions/", login_not_required(improvement.ActionList.as_view()), name="api_actions"),
    path(
        organisation + "actions/<int:action_pk>/",
        login_not_required(improvement.ActionDetail.as_view()),
        name="api_action",
    ),
]
