from django.urls import path

from . import course_views, feedback_views, group_views, onboarding_views, record_views, share_views, story_views, views

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
    path("ontwikkeling/export.pdf", views.export_pdf, name="development_export_pdf"),
    # the development record (intervision, supervision, training) and the hours it counts
    path("ontwikkeling/verslag/", record_views.home, name="development_record"),
    path("ontwikkeling/verslag/regels/", record_views.choose_rules, name="development_rules"),
    path("ontwikkeling/verslag/eigen-doel/", record_views.own_goal, name="development_own_goal"),
    path("ontwikkeling/verslag/nieuw/", record_views.activity, name="development_activity_create"),
    path("ontwikkeling/verslag/<int:activity_pk>/", record_views.activity, name="development_activity"),
    path(
        "ontwikkeling/verslag/<int:activity_pk>/verwijderen/",
        record_views.activity_delete,
        name="development_activity_delete",
    ),
    # sharing: the owner's shares, and what others see (logged: "gedeeld/" spans people, see access_log)
    path("ontwikkeling/delen/", share_views.shares, name="development_shares"),
    path("ontwikkeling/delen/<int:share_pk>/intrekken/", share_views.revoke, name="development_share_revoke"),
    path("gedeeld/", share_views.shared_with_me, name="shared_with_me"),
    path("gedeeld/<int:share_pk>/", share_views.shared, name="shared"),
    path("gedeeld/bevestigen/<int:activity_pk>/", record_views.confirm, name="activity_confirm"),
    # --- story ---
    path("ontwikkeling/toestemming/", story_views.consents, name="development_consents"),
    path(
        "ontwikkeling/toestemming/<slug:use>/intrekken/",
        story_views.consent_withdraw,
        name="development_consent_withdraw",
    ),
    path("ontwikkeling/eigen-verhaal/", story_views.story_page, name="development_story"),
    path("ontwikkeling/eigen-verhaal/besluiten/nieuw/", story_views.decision, name="development_story_decision_create"),
    path(
        "ontwikkeling/eigen-verhaal/besluiten/<int:decision_pk>/",
        story_views.decision,
        name="development_story_decision",
    ),
    path(
        "ontwikkeling/eigen-verhaal/besluiten/<int:decision_pk>/verwijderen/",
        story_views.decision_delete,
        name="development_story_decision_delete",
    ),
    path("ontwikkeling/reflecties/", story_views.reflections, name="development_reflections"),
    path("ontwikkeling/reflecties/nieuw/", story_views.reflection_page, name="development_reflection_create"),
    path("ontwikkeling/reflecties/<int:evidence_pk>/", story_views.reflection_page, name="development_reflection"),
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
    path(plans + "<int:plan_pk>/verwijderen/", onboarding_views.plan_delete, name="onboarding_plan_delete"),
    path(plans + "<int:plan_pk>/stappen/nieuw/", onboarding_views.step_create, name="onboarding_step_create"),
    path(
        plans + "<int:plan_pk>/stappen/<int:step_pk>/verwijderen/",
        onboarding_views.step_delete,
        name="onboarding_step_delete",
    ),
    path("ontwikkeling/inwerkplan/", onboarding_views.my_plans, name="development_onboarding"),
]
