from django.urls import path

from . import views

plan = "organisaties/<int:pk>/verbeterplan/"

urlpatterns = [
    path(plan, views.plan, name="improvement_plan"),
    path(plan + "doelen/nieuw/", views.goal_create, name="goal_create"),
    path(plan + "doelen/<int:goal_pk>/", views.goal_detail, name="goal"),
    path(plan + "doelen/<int:goal_pk>/bewerken/", views.goal_edit, name="goal_edit"),
    path(plan + "doelen/<int:goal_pk>/verwijderen/", views.goal_delete, name="goal_delete"),
    path(plan + "acties/nieuw/", views.action_create, name="action_create"),
    path(plan + "acties/<int:action_pk>/", views.action_edit, name="action_edit"),
    path(plan + "gesprekken/nieuw/", views.session_create, name="session_create"),
    path(plan + "gesprekken/<int:session_pk>/", views.session_detail, name="session"),
    path(plan + "gesprekken/<int:session_pk>/bewerken/", views.session_edit, name="session_edit"),
    path(plan + "gesprekken/<int:session_pk>/stappen/", views.session_steps, name="session_steps"),
    path(plan + "gesprekken/<int:session_pk>/verwijderen/", views.session_delete, name="session_delete"),
    path(plan + "gesprekken/<int:session_pk>/uitkomsten/nieuw/", views.outcome_create, name="outcome_create"),
    # Judging goals at a follow-up: a VIE measurement, or a finalised MIE audit.
    path(
        "organisaties/<int:pk>/metingen/<int:measurement_pk>/doelen/", views.measurement_goals, name="measurement_goals"
    ),
    path("organisaties/<int:pk>/audits/<int:audit_pk>/doelen/", views.audit_goals, name="audit_goals"),
]
