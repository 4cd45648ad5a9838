from django.urls import path

from . import course_views, feedback_views, group_views, onboarding_views, views

course = "organisaties/<int:pk>/opleidingen/<int:course_pk>/"
group = "intervisie/<int:group_pk>/"
plans = "organisaties/<int:pk>/inwerkplannen/"

urlpatterns = [
    path("organisaties/<int:pk>/opleidingen/", course_views.course_list, name="courses"),
    path("organisaties/<int:pk>/opleidingen/nieuw/", course_views.course_create, name="course_create"),
    path(course, course_views.course, name="course"),
    path(course + "onderdelen/nieuw/", course_views.unit_create, name="course_unit_create"),
    path(course + "onderdelen/<int:unit_pk>/", course_views.unit, name="course_unit"),
    path(course + "volgende-groep/", course_views.course_next, name="course_next"),
    path(course + "dekking.<str:fmt>", course_views.course_coverage, name="course_coverage"),
    path("ontwikkeling/", views.home, name="development"),
    path("ontwikkeling/zelfbeoordeling/<slug:slug>/", views.assess, name="development_assess"),
    path("ontwikkeling/bewijs/nieuw/", views.evidence, name="development_evidence_create"),
    path("ontwikkeling/bewijs/<int:evidence_pk>/", views.evidence, name="development_evidence"),
    path(
        "ontwikkeling/bewijs/<int:evidence_pk>/verwijderen/", views.evidence_delete, name="development_evidence_delete"
    ),
    path("ontwikkeling/export.json", views.export, name="development_export"),
    path("ontwikkeling/alles-verwijderen/", views.delete_space, name="development_delete"),
    # --- groups ---
    path("ontwikkeling/feedback/", feedback_views.feedback_list, name="development_feedback"),
    path("ontwikkeling/feedback/nieuw/", feedback_views.feedback_create, name="development_feedback_create"),
    path(
        "ontwikkeling/feedback/<int:request_pk>/intrekken/",
        feedback_views.feedback_withdraw,
        name="development_feedback_withdraw",
    ),
    path("ontwikkeling/feedback-voor-mij/", feedback_views.inbox, name="development_feedback_inbox"),
    path("feedback/<str:token>/", feedback_views.answer, name="feedback_answer"),
    path("intervisie/", group_views.group_list, name="intervision_groups"),
    path("intervisie/nieuw/", group_views.group_create, name="intervision_group_create"),
    path(group, group_views.group, name="intervision_group"),
    path(group + "leden/nieuw/", group_views.member_add, name="intervision_member_add"),
    path(group + "leden/<int:member_pk>/verwijderen/", group_views.member_remove, name="intervision_member_remove"),
    path(group + "bijeenkomsten/nieuw/", group_views.meeting_create, name="intervision_meeting_create"),
    path("organisaties/<int:pk>/intervisie/", group_views.organisation_intervision, name="organisation_intervision"),
    path(plans, onboarding_views.plan_list, name="onboarding_plans"),
    path(plans + "nieuw/", onboarding_views.plan_create, name="onboarding_plan_create"),
    path(plans + "<int:plan_pk>/", onboarding_views.plan, name="onboarding_plan"),
    path(plans + "<int:plan_pk>/stappen/nieuw/", onboarding_views.step_create, name="onboarding_step_create"),
    path(
        plans + "<int:plan_pk>/stappen/<int:step_pk>/verwijderen/",
        onboarding_views.step_delete,
        name="onboarding_step_delete",
    ),
    path("ontwikkeling/inwerkplan/", onboarding_views.my_plans, name="development_onboarding"),
]
