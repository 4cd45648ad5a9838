"""Who may open and change what: every named URL of the site, for every role, against an explicit table.

The expected statuses are written down from the rules, not recorded from the code:

- ``organisations/permissions.py``: every role of an organisation may VIEW it, project members
  and admins RECORD measurements, admins MANAGE (edit it, facilities, members, plan audits,
  delete measurements, read the download log); staff (coordinators) may do everything and alone
  create organisations. An organisation the user may not see answers 404 (URLs cannot be
  guessed); a page of a visible organisation the user may not use answers 403.
- README, "How the MIE audit works" and "Access": an audit is visible to whoever may view its
  organisation and to its two auditors (an external auditor needs no role and sees only that
  audit, not the organisation). Planning it, and deleting a mistaken plan, is for admins until
  an auditor has submitted. Notes, own scores, consensus, report text and finalising are for the
  two auditors until it is finalised (own scores only until submitted, the consensus only once
  both submitted). Amendments are for the auditors and the organisation's admins once it is
  finalised; the trail for the auditors and the admins.
- README, "Improvement plan": an organisation's goals, actions and dialogue sessions are read by
  every role of the organisation (VIEW) and set, kept and recorded by project members and admins
  (RECORD), deleting a goal set by mistake or a dialogue session included; goals are judged
  (RECORD) at a measurement, or at an audit once it is finalised (before that the page sends the
  user back to the audit).
  An external auditor has no role in the organisation and so no access to its improvement plan.
- README, "Importing measurements": importing is for those who RECORD; an upload waiting for
  confirmation (its preview) is its uploader's alone — for anyone else, staff included, it does
  not exist (404); so is its confirm, which runs in the background, with its progress page and
  the status it asks for (``core/background.py``: a job is its owner's alone). Every role of the
  organisation reads its list of imports (VIEW); an import is undone by whoever imported it or
  by an admin (MANAGE), not by another project member.
- Every page requires login except the login and language pages.

A POST by a role that may not use a page gets the same refusal as its GET and changes nothing in
the database; a POST by a role that may use a state-changing page does change it (so the refusal
checks are not passing merely because the submitted data was useless).

The table must list every named URL pattern (the admin site excepted, it has its own staff check,
tested below): a new page fails this test until someone decides who may open it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from edmonitor.accounts import invitations, tokens
from edmonitor.accounts.models import ApiToken, Invitation
from edmonitor.audits.models import ReferenceCase
from edmonitor.audits.tests.calibration_factories import published_case
from edmonitor.audits.tests.factories import THEMES, finalised, plan, rate
from edmonitor.core.models import BackgroundJob
from edmonitor.core.types import Account
from edmonitor.development import feedback, groups, onboarding, sharing
from edmonitor.development import services as development
from edmonitor.development.models import (
    Activity,
    ConsentUse,
    Course,
    CourseUnit,
    Evidence,
    FeedbackRequest,
    GroupMember,
    IntervisionGroup,
    OnboardingPlan,
    OnboardingStep,
    Share,
    Story,
    StoryDecision,
)
from edmonitor.improvement import services as improvement
from edmonitor.improvement.models import Action, DialogueSession, Goal
from edmonitor.improvement.tests.factories import make_method
from edmonitor.instruments.csvio import read_measurements
from edmonitor.knowledge.content import read_content
from edmonitor.knowledge.models import DialogueMethod
from edmonitor.knowledge.services import load as load_knowledge
from edmonitor.knowledge.tests import test_search as knowledge_tests
from edmonitor.measurements import imports
from edmonitor.measurements import tasks as import_tasks
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.models import ImportBatch, Measurement, MeasurementDraft
from edmonitor.measurements.services import import_measurements, save_draft
from edmonitor.organisations.models import Facility, Membership, Organisation, Role
from edmonitor.programmes.models import Participation, Programme
from edmonitor.testing import BaseTestCase, make_measurement, make_user

pytestmark = pytest.mark.both_databases  # every page for every role, on the demo's database

ROLES = ("anonymous", "viewer", "member", "admin", "auditor", "other_auditor", "other_admin", "staff")

L = "login"  # 302 to /login/?next=<the page>

# url name → expected GET status per role, in the order of ROLES:
#   anonymous · viewer of A · project member of A · admin of A · external auditor of the audit of A
#   (no member of A) · auditor of an audit of B only · admin of B · staff (coordinator)
# Every organisation parameter is organisation A; the audit is A's audit in its first phase
# (independent scoring, nobody submitted yet).
MATRIX: dict[str, tuple[object, ...]] = {
    # --- site -----------------------------------------------------------------------------
    #                       anon  viewer member admin auditor o.aud  o.adm  staff
    "login":                (200, 302, 302, 302, 302, 302, 302, 302),  # logged in: on to the dashboard
    "logout":               (L, 405, 405, 405, 405, 405, 405, 405),  # logging out is a POST
    "set_language":         (302, 302, 302, 302, 302, 302, 302, 302),  # a GET only redirects back
    "dashboard":            (L, 200, 200, 200, 200, 200, 200, 200),
    "background_job_status": (L, 404, 200, 404, 404, 404, 404, 404),  # a background job: its owner's (the member's)
    "audit_agreement":      (L, 200, 200, 200, 200, 200, 200, 200),  # over the audits the user may see
    "instrument_quality":   (L, 403, 403, 403, 403, 403, 403, 200),  # coordinators only: the VIE's item analysis
    # auditors over time (issue 20 part 4): coordinators see every auditor; an auditor (eva, otto) is sent on to
    # their own figures; eva's figures: eva and coordinators alone, not found for everyone else
    "auditor_overview":     (L, 403, 403, 403, 302, 302, 403, 200),
    "auditor_figures":      (L, 404, 404, 404, 200, 404, 404, 200),
    # --- calibration (issue 20 part 5): a published reference case nobody has scored. Anyone with an Auditor
    # row (eva, otto) and coordinators score it; before submitting, its submit and result pages send them back
    # to the form (blind); coordinators manage cases; a published case no longer changes (302 to its page)
    "calibration":          (L, 200, 200, 200, 200, 200, 200, 200),  # one's own status; non-auditors read why not
    "calibration_statuses": (L, 403, 403, 403, 403, 403, 403, 200),
    "calibration_case_create": (L, 403, 403, 403, 403, 403, 403, 200),
    "calibration_case":     (L, 403, 403, 403, 403, 403, 403, 200),  # the reference: coordinators only
    "calibration_case_edit": (L, 403, 403, 403, 403, 403, 403, 302),
    "calibration_case_publish": (L, 403, 403, 403, 403, 403, 403, 302),
    "calibration_attempt":  (L, 403, 403, 403, 200, 200, 403, 200),
    "calibration_attempt_submit": (L, 403, 403, 403, 302, 302, 403, 302),  # no draft: back to the form
    "calibration_result":   (L, 403, 403, 403, 302, 302, 403, 302),  # not submitted: back to the form
    # --- the knowledge base: public framework content, for every logged-in user ---------------
    "knowledge":            (L, 200, 200, 200, 200, 200, 200, 200),
    "knowledge_search":     (L, 200, 200, 200, 200, 200, 200, 200),
    "knowledge_entry":      (L, 200, 200, 200, 200, 200, 200, 200),
    "knowledge_methods":    (L, 200, 200, 200, 200, 200, 200, 200),
    # --- a person's own account (issue 17 part 3) ------------------------------------------------
    "profile":              (L, 200, 200, 200, 200, 200, 200, 200),
    "password_change":      (L, 200, 200, 200, 200, 200, 200, 200),
    # a person's own API tokens (issue 19): each makes their own; a token is revoked by its person only (mia's)
    "token_list":           (L, 200, 200, 200, 200, 200, 200, 200),
    "token_revoke":         (L, 404, 200, 404, 404, 404, 404, 404),
    "api_docs":             (L, 200, 200, 200, 200, 200, 200, 200),  # the API's description, for people
    "sso_start":            (404, 404, 404, 404, 404, 404, 404, 404),  # single sign-on is off here (test_sso.py)
    "sso_callback":         (404, 404, 404, 404, 404, 404, 404, 404),
    # --- a person's own development space: every signed-in person has one, seen by them alone ---
    "development":          (L, 200, 200, 200, 200, 200, 200, 200),  # the consent page first
    "development_assess":   (L, 404, 404, 404, 404, 404, 404, 404),  # "rol" is no item of the map
    "development_evidence_create": (L, 302, 200, 302, 302, 302, 302, 302),  # without consent: to the space
    "development_evidence": (L, 404, 200, 404, 404, 404, 404, 404),  # mia's evidence: hers alone
    "development_evidence_delete": (L, 404, 405, 404, 404, 404, 404, 404),  # POST only, hers alone
    "development_export":   (L, 200, 200, 200, 200, 200, 200, 200),  # one's own
    "development_delete":   (L, 200, 200, 200, 200, 200, 200, 200),  # one's own, after typing a word
    "development_export_pdf": (L, 200, 200, 200, 200, 200, 200, 200),  # one's own
    "development_record":   (L, 302, 200, 302, 302, 302, 302, 302),  # without a space: to the consent page
    "development_rules":    (L, 405, 405, 405, 405, 405, 405, 405),  # POST only, one's own (test_record.py)
    "development_own_goal": (L, 405, 405, 405, 405, 405, 405, 405),  # POST only, one's own (test_record.py)
    "development_activity_create": (L, 302, 200, 302, 302, 302, 302, 302),
    "development_activity": (L, 404, 200, 404, 404, 404, 404, 404),  # mia's activity: hers alone
    "development_activity_delete": (L, 404, 405, 404, 404, 404, 404, 404),  # POST only, hers alone
    "development_shares":   (L, 302, 200, 302, 302, 302, 302, 302),
    "development_share_revoke": (L, 404, 405, 404, 404, 404, 404, 404),  # POST only, hers alone
    # --- what others share with a person: mia shares one piece of evidence with lex, and asks eva
    # to confirm her activity
    "shared_with_me":       (L, 200, 200, 200, 200, 200, 200, 200),
    "shared":               (L, 200, 404, 404, 404, 404, 404, 404),  # lex only; not even mia, who sees her own
    "activity_confirm":     (L, 404, 404, 404, 200, 404, 404, 404),  # eva only
    "second_factor_verify": (L, 302, 302, 302, 302, 302, 302, 302),  # nothing set up: on to the page asked for
    "second_factor_setup":  (L, 200, 200, 200, 200, 200, 200, 200),
    "second_factor_codes":  (L, 405, 405, 405, 405, 405, 405, 405),  # POST only
    "second_factor_off":    (L, 405, 405, 405, 405, 405, 405, 405),  # POST only
    "email_confirm":        (L, 302, 302, 302, 302, 302, 302, 302),  # an invalid link: back to the profile
    "password_reset":       (200, 200, 200, 200, 200, 200, 200, 200),  # public: the login page links to it
    "password_reset_done":  (200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_confirm": (200, 200, 200, 200, 200, 200, 200, 200),  # an invalid link says so
    "password_reset_complete": (200, 200, 200, 200, 200, 200, 200, 200),
    "privacy":              (200, 200, 200, 200, 200, 200, 200, 200),  # public statements
    "accessibility":        (200, 200, 200, 200, 200, 200, 200, 200),
    "invitation":           (200, 200, 200, 200, 200, 200, 200, 200),  # public: an invalid link says so
    "knowledge_method":     (L, 200, 200, 200, 200, 200, 200, 200),
    # --- organisations (VIEW / RECORD / MANAGE; creating is for staff) -------------------------
    "organisation_create":  (L, 403, 403, 403, 403, 403, 403, 200),
    "organisation":         (L, 200, 200, 200, 404, 404, 404, 200),
    "organisation_edit":    (L, 403, 403, 200, 404, 404, 404, 200),
    "facility_create":      (L, 403, 403, 200, 404, 404, 404, 200),
    "facility_edit":        (L, 403, 403, 200, 404, 404, 404, 200),
    "members":              (L, 403, 403, 200, 404, 404, 404, 200),
    "member_remove":        (L, 403, 403, 405, 404, 404, 404, 405),  # POST only
    "member_invite":        (L, 403, 403, 405, 404, 404, 404, 405),  # POST only (the form is on the members page)
    "member_invitation_resend": (L, 403, 403, 405, 404, 404, 404, 405),  # POST only
    "member_invitation_withdraw": (L, 403, 403, 405, 404, 404, 404, 405),  # POST only
    "courses":              (L, 200, 200, 200, 404, 404, 404, 200),  # a training provider's courses: VIEW
    "course_create":        (L, 403, 405, 405, 404, 404, 404, 405),  # POST only, RECORD
    "course":               (L, 200, 200, 200, 404, 404, 404, 200),
    "course_unit_create":   (L, 403, 405, 405, 404, 404, 404, 405),  # POST only, RECORD
    "course_unit":          (L, 403, 200, 200, 404, 404, 404, 200),  # RECORD
    "course_next":          (L, 403, 405, 405, 404, 404, 404, 405),  # POST only, RECORD
    "course_coverage":      (L, 200, 200, 200, 404, 404, 404, 200),  # as CSV: VIEW
    "access_log":           (L, 403, 403, 200, 404, 404, 404, 200),  # NEN 7513 access log: MANAGE
    "download_log":         (L, 403, 403, 301, 404, 404, 404, 301),  # moved: to the access log's exports
    "organisation_export":  (L, 403, 403, 200, 404, 404, 404, 200),  # everything of A as JSON: MANAGE
    # --- reports of an organisation (VIEW) ----------------------------------------------------
    "organisation_report":  (L, 200, 200, 200, 404, 404, 404, 200),
    "organisation_report_pdf": (L, 200, 200, 200, 404, 404, 404, 200),
    "organisation_report_table": (L, 200, 200, 200, 404, 404, 404, 200),
    "organisation_benchmark": (L, 200, 200, 200, 404, 404, 404, 200),
    "organisation_benchmark_table": (L, 200, 200, 200, 404, 404, 404, 200),
    # --- programmes: visible through an organisation the user may view that takes part (here
    # only A), managed by staff alone -----------------------------------------------------------
    "programmes":           (L, 200, 200, 200, 200, 200, 200, 200),  # the list of the visible ones
    "programme_create":     (L, 403, 403, 403, 403, 403, 403, 200),
    "programme":            (L, 200, 200, 200, 404, 404, 404, 200),
    "programme_table":      (L, 200, 200, 200, 404, 404, 404, 200),
    "programme_edit":       (L, 403, 403, 403, 404, 404, 404, 200),
    "participation_create": (L, 403, 403, 403, 404, 404, 404, 200),
    "participation_edit":   (L, 403, 403, 403, 404, 404, 404, 200),
    "participation_remove": (L, 403, 403, 403, 404, 404, 404, 405),  # POST only
    # --- measurements ------------------------------------------------------------------------
    "measurement":          (L, 200, 200, 200, 404, 404, 404, 200),
    "measurement_create":   (L, 403, 200, 200, 404, 404, 404, 200),
    "measurement_edit":     (L, 403, 200, 200, 404, 404, 404, 200),
    "measurement_import":   (L, 403, 200, 200, 404, 404, 404, 200),
    "measurement_import_template": (L, 403, 200, 200, 404, 404, 404, 200),
    "measurement_import_template_xlsx": (L, 403, 200, 200, 404, 404, 404, 200),
    "measurement_import_preview": (L, 403, 200, 404, 404, 404, 404, 404),  # the member's own upload
    "measurement_import_progress": (L, 403, 200, 404, 404, 404, 404, 404),  # the member's own confirm (a job)
    "measurement_imports":  (L, 200, 200, 200, 404, 404, 404, 200),
    "measurement_import_undo": (L, 403, 403, 200, 404, 404, 404, 200),  # imported by another member (ina)
    "measurement_delete":   (L, 403, 403, 200, 404, 404, 404, 200),
    # a draft: work in progress of those who record (README, "What works now"); a viewer does not see it
    "measurement_draft":    (L, 403, 200, 200, 404, 404, 404, 200),
    "measurement_draft_delete": (L, 403, 200, 200, 404, 404, 404, 200),
    # --- MIE audits, phase 1: independent scoring, nobody has submitted ------------------------
    "audit_create":         (L, 403, 403, 200, 404, 404, 404, 200),
    "audit":                (L, 200, 200, 200, 200, 404, 404, 200),
    "audit_export":         (L, 200, 200, 200, 200, 404, 404, 200),
    "audit_plan":           (L, 403, 403, 200, 403, 404, 404, 200),
    "audit_auditor_invite": (L, 403, 403, 200, 403, 404, 404, 200),  # who plans the audit invites its auditors
    "audit_delete":         (L, 403, 403, 200, 403, 404, 404, 200),
    "audit_notes":          (L, 403, 403, 403, 200, 404, 404, 403),
    "audit_scores":         (L, 403, 403, 403, 200, 404, 404, 403),
    "audit_consensus":      (L, 403, 403, 403, 302, 404, 404, 403),  # auditor: not before both submitted
    "audit_report":         (L, 403, 403, 403, 200, 404, 404, 403),
    "audit_scores_submit":  (L, 403, 403, 403, 302, 404, 404, 403),  # auditor: draft incomplete, back to it
    "audit_finalise":       (L, 403, 403, 403, 200, 404, 404, 403),  # the auditors confirm the report
    "audit_amend":          (L, 403, 403, 403, 403, 404, 404, 403),  # not finalised yet
    "audit_trail":          (L, 403, 403, 200, 200, 404, 404, 200),
    "audit_goals":          (L, 403, 302, 302, 404, 404, 404, 302),  # not finalised: back to the audit
    # --- improvement plan: VIEW to read, RECORD to set goals, keep actions, record sessions --------
    "improvement_plan":     (L, 200, 200, 200, 404, 404, 404, 200),
    "goal_create":          (L, 403, 200, 200, 404, 404, 404, 200),
    "goal":                 (L, 200, 200, 200, 404, 404, 404, 200),
    "goal_edit":            (L, 403, 200, 200, 404, 404, 404, 200),
    "goal_delete":          (L, 403, 200, 200, 404, 404, 404, 200),  # only until it is judged
    "action_create":        (L, 403, 200, 200, 404, 404, 404, 200),
    "action_edit":          (L, 403, 200, 200, 404, 404, 404, 200),
    "session_create":       (L, 403, 200, 200, 404, 404, 404, 200),
    "session":              (L, 200, 200, 200, 404, 404, 404, 200),
    "session_edit":         (L, 403, 200, 200, 404, 404, 404, 200),
    "session_steps":        (L, 403, 405, 405, 404, 404, 404, 405),  # POST only: the steps form of its page
    "session_delete":       (L, 403, 200, 200, 404, 404, 404, 200),  # its outcomes go; actions stay
    "outcome_create":       (L, 403, 200, 200, 404, 404, 404, 200),
    "measurement_goals":    (L, 403, 200, 200, 404, 404, 404, 200),  # judge the goals set before it
    # --- story ---
    "development_consents": (L, 302, 200, 302, 302, 302, 302, 302),  # without a space: to its first page
    "development_consent_withdraw": (L, 302, 200, 302, 302, 302, 302, 302),  # mia's consent to keep her story
    "development_story":    (L, 302, 200, 302, 302, 302, 302, 302),  # mia's story: hers alone
    "development_story_decision_create": (L, 302, 200, 302, 302, 302, 302, 302),
    "development_story_decision": (L, 404, 200, 404, 404, 404, 404, 404),  # mia's decision record
    "development_story_decision_delete": (L, 404, 405, 404, 404, 404, 404, 404),  # POST only, hers alone
    "development_reflections": (L, 302, 200, 302, 302, 302, 302, 302),
    "development_reflection_create": (L, 302, 200, 302, 302, 302, 302, 302),
    "development_reflection": (L, 404, 200, 404, 404, 404, 404, 404),  # mia's reflection
    # --- groups ---
    # feedback asked by mia (she agreed to it); a link's page is public, an unknown link is one 404 page
    "development_feedback": (L, 200, 200, 200, 200, 200, 200, 200),  # one's own (without consent: explains)
    "development_feedback_create": (L, 405, 405, 405, 405, 405, 405, 405),  # POST only, into one's own space
    "development_feedback_withdraw": (L, 404, 405, 404, 404, 404, 404, 404),  # POST only, mia's request
    "development_feedback_inbox": (L, 200, 200, 200, 200, 200, 200, 200),  # asked of oneself
    "feedback_answer":      (404, 404, 404, 404, 404, 404, 404, 404),  # "niet-geldig": the same 404 for all
    # intervision: mia facilitates the group, eva (no role in A) is a member; anyone may start a group
    "intervision_groups":   (L, 200, 200, 200, 200, 200, 200, 200),  # one's own groups
    "intervision_group_create": (L, 405, 405, 405, 405, 405, 405, 405),  # POST only
    "intervision_group":    (L, 404, 200, 404, 200, 404, 404, 404),  # members only, staff included
    "intervision_member_add": (L, 404, 405, 404, 403, 404, 404, 404),  # POST only, facilitators
    "intervision_member_remove": (L, 404, 405, 404, 405, 404, 404, 404),  # eva's place: the facilitator, or she leaves
    "intervision_meeting_create": (L, 404, 405, 404, 403, 404, 404, 404),  # POST only, facilitators
    "organisation_intervision": (L, 200, 200, 200, 404, 404, 404, 200),  # k-anonymous figures: VIEW
    # onboarding plans: the employer's record (RECORD); the new colleague reads their own
    "onboarding_plans":     (L, 403, 200, 200, 404, 404, 404, 200),
    "onboarding_plan_create": (L, 403, 405, 405, 404, 404, 404, 405),  # POST only
    "onboarding_plan_delete": (L, 403, 200, 200, 404, 404, 404, 200),  # asks first
    "onboarding_plan":      (L, 403, 200, 200, 404, 404, 404, 200),
    "onboarding_step_create": (L, 403, 405, 405, 404, 404, 404, 405),  # POST only
    "onboarding_step_delete": (L, 403, 405, 405, 404, 404, 404, 405),  # POST only
    "development_onboarding": (L, 200, 200, 200, 200, 200, 200, 200),  # one's own plans
}  # fmt: skip

# The same audit pages in the later phases (another audit of A, same two auditors).
PHASES: dict[str, dict[str, tuple[object, ...]]] = {
    # Both auditors submitted: no more planning or own scores; consensus and report are open.
    "consensus": {
        #                    anon  viewer member admin auditor o.aud  o.adm  staff
        "audit":            (L, 200, 200, 200, 200, 404, 404, 200),
        "audit_export":     (L, 200, 200, 200, 200, 404, 404, 200),
        "audit_plan":       (L, 403, 403, 403, 403, 404, 404, 403),
        "audit_auditor_invite": (L, 403, 403, 403, 403, 404, 404, 403),  # the plan is fixed
        "audit_delete":     (L, 403, 403, 403, 403, 404, 404, 403),
        "audit_notes":      (L, 403, 403, 403, 200, 404, 404, 403),
        "audit_scores":     (L, 403, 403, 403, 302, 404, 404, 403),  # auditor: submitted, back to the audit
        "audit_scores_submit": (L, 403, 403, 403, 302, 404, 404, 403),  # likewise
        "audit_consensus":  (L, 403, 403, 403, 200, 404, 404, 403),
        "audit_report":     (L, 403, 403, 403, 200, 404, 404, 403),
        "audit_finalise":   (L, 403, 403, 403, 200, 404, 404, 403),
        "audit_amend":      (L, 403, 403, 403, 403, 404, 404, 403),
        "audit_trail":      (L, 403, 403, 200, 200, 404, 404, 200),
        "audit_goals":      (L, 403, 302, 302, 404, 404, 404, 302),  # not finalised: back to the audit
    },
    # Finalised: read-only; corrections are amendments by the auditors and the admins.
    "finalised": {
        "audit":            (L, 200, 200, 200, 200, 404, 404, 200),
        "audit_export":     (L, 200, 200, 200, 200, 404, 404, 200),
        "audit_plan":       (L, 403, 403, 403, 403, 404, 404, 403),
        "audit_auditor_invite": (L, 403, 403, 403, 403, 404, 404, 403),  # the plan is fixed
        "audit_delete":     (L, 403, 403, 403, 403, 404, 404, 403),
        "audit_notes":      (L, 403, 403, 403, 403, 404, 404, 403),
        "audit_scores":     (L, 403, 403, 403, 403, 404, 404, 403),
        "audit_scores_submit": (L, 403, 403, 403, 403, 404, 404, 403),
        "audit_consensus":  (L, 403, 403, 403, 403, 404, 404, 403),
        "audit_report":     (L, 403, 403, 403, 403, 404, 404, 403),
        "audit_finalise":   (L, 403, 403, 403, 403, 404, 404, 403),
        "audit_amend":      (L, 403, 403, 200, 200, 404, 404, 200),
        "audit_trail":      (L, 403, 403, 200, 200, 404, 404, 200),
        "audit_goals":      (L, 403, 200, 200, 404, 404, 404, 200),  # goals are judged at a finalised audit
    },
}  # fmt: skip

# The API (issue 19): each role calls it with a token of its own that may write; "anonymous" sends
# no token (401). The rules are the pages': VIEW reads an organisation's data, RECORD adds a
# measurement; an organisation the person may not see is 404, one they may not change 403.
API_MATRIX: dict[str, tuple[object, ...]] = {
    #                       anon  viewer member admin auditor o.aud  o.adm  staff
    "api_schema":           (401, 200, 200, 200, 200, 200, 200, 200),
    "api_organisations":    (401, 200, 200, 200, 200, 200, 200, 200),  # each sees the list of their own
    "api_organisation":     (401, 200, 200, 200, 404, 404, 404, 200),
    "api_facilities":       (401, 200, 200, 200, 404, 404, 404, 200),
    "api_facility":         (401, 200, 200, 200, 404, 404, 404, 200),
    "api_measurements":     (401, 200, 200, 200, 404, 404, 404, 200),
    "api_measurement":      (401, 200, 200, 200, 404, 404, 404, 200),
    "api_audits":           (401, 200, 200, 200, 200, 404, 404, 200),  # eva: only the audits she audits
    "api_audit":            (401, 200, 200, 200, 200, 404, 404, 200),  # VIEW: the organisation's roles, the auditors
    "api_organisation_report":    (401, 200, 200, 200, 404, 404, 404, 200),  # VIEW, as organisation_report
    "api_organisation_benchmark": (401, 200, 200, 200, 404, 404, 404, 200),  # VIEW, as organisation_benchmark
    "api_programme_figures":      (401, 200, 200, 200, 404, 404, 404, 200),  # as the programme page (A takes part)
    "api_goals":            (401, 200, 200, 200, 404, 404, 404, 200),  # VIEW, as improvement_plan
    "api_goal":             (401, 200, 200, 200, 404, 404, 404, 200),  # VIEW, as goal
    "api_actions":          (401, 200, 200, 200, 404, 404, 404, 200),  # VIEW, as improvement_plan
    "api_action":           (401, 200, 200, 200, 404, 404, 404, 200),  # VIEW (the page is action_edit: RECORD)
    "api_knowledge":        (401, 200, 200, 200, 200, 200, 200, 200),  # public framework content, as knowledge
    "api_knowledge_entry":  (401, 200, 200, 200, 200, 200, 200, 200),  # as knowledge_entry
    "api_fhir_questionnaire": (401, 200, 200, 200, 200, 200, 200, 200),  # the questionnaire: framework content
    "api_fhir_questionnaire_response": (401, 200, 200, 200, 404, 404, 404, 200),  # a measurement of A
}  # fmt: skip
# API routes that store with a POST, and what the POST answers per role (201: stored).
API_POSTS: dict[str, tuple[object, ...]] = {
    "api_organisations":    (401, 403, 403, 403, 403, 403, 403, 201),  # coordinators create organisations
    "api_facilities":       (401, 403, 403, 201, 404, 404, 404, 201),  # MANAGE
    "api_measurements":     (401, 403, 201, 201, 404, 404, 404, 201),  # RECORD
    "api_goals":            (401, 403, 201, 201, 404, 404, 404, 201),  # RECORD, as goal_create
    "api_actions":          (401, 403, 201, 201, 404, 404, 404, 201),  # RECORD, as action_create
}  # fmt: skip
# API routes that change with a PATCH, and what it answers per role (200: changed).
API_PATCHES: dict[str, tuple[object, ...]] = {
    "api_organisation":     (401, 403, 403, 200, 404, 404, 404, 200),  # MANAGE
    "api_facility":         (401, 403, 403, 200, 404, 404, 404, 200),
    "api_goal":             (401, 403, 200, 200, 404, 404, 404, 200),  # RECORD, as goal_edit
    "api_action":           (401, 403, 200, 200, 404, 404, 404, 200),  # RECORD, as action_edit
}  # fmt: skip
API_PAYLOADS: dict[str, dict[str, object]] = {
    "api_organisations": {"name": "Nieuw via de API", "sector": "mental_health"},
    "api_facilities": {"name": "Nieuwe voorziening via de API"},
    "api_measurements": {"measured_on": "2025-06-01", "label": "Via de API", "items": {"2a": 3}},
    "api_organisation": {"name": "Hernoemd via de API"},
    "api_facility": {"name": "Hernoemd via de API"},
    "api_goals": {"instrument": "vie", "item": "3a", "goal_type": "descriptive", "description": "Via de API"},
    "api_actions": {"title": "Actie via de API", "owner": "Teamleider"},
    "api_goal": {"description": "Gewijzigd via de API"},
    "api_action": {"status": "done"},
}

# Pages whose POST changes data. A role allowed to use them (GET 200, or 405 for POST-only
# pages) must change the database with a POST; every other role must change nothing.
STATE_CHANGING = {
    "calibration_case_create",
    "calibration_case_edit",
    "calibration_case_publish",
    "calibration_attempt",
    "calibration_attempt_submit",
    "token_list",
    "token_revoke",
    "onboarding_plan_delete",
    "organisation_create",
    "organisation_edit",
    "facility_create",
    "facility_edit",
    "members",
    "member_remove",
    "member_invite",
    "member_invitation_resend",
    "member_invitation_withdraw",
    "audit_auditor_invite",
    "development_evidence",
    "development_evidence_delete",
    "development_activity_create",
    "development_activity",
    "development_activity_delete",
    "development_shares",
    "development_share_revoke",
    "activity_confirm",
    "course_create",
    "course_unit_create",
    "course_unit",
    "course_next",
    "measurement_create",
    "measurement_edit",
    "measurement_delete",
    "measurement_draft",
    "measurement_draft_delete",
    "measurement_import",
    "measurement_import_preview",
    "measurement_import_undo",
    "audit_create",
    "audit_plan",
    "audit_delete",
    "audit_notes",
    "audit_scores",
    "audit_scores_submit",
    "audit_consensus",
    "audit_report",
    "audit_finalise",
    "audit_amend",
    "programme_create",
    "programme_edit",
    "participation_create",
    "participation_edit",
    "participation_remove",
    "goal_create",
    "goal_edit",
    "goal_delete",
    "action_create",
    "action_edit",
    "session_create",
    "session_edit",
    "session_steps",
    "session_delete",
    "outcome_create",
    "measurement_goals",
    "audit_goals",
    # --- story ---
    "development_consents",
    "development_consent_withdraw",
    "development_story",
    "development_story_decision_create",
    "development_story_decision",
    "development_story_decision_delete",
    "development_reflection_create",
    "development_reflection",
    # --- groups ---
    "development_feedback_create",
    "development_feedback_withdraw",
    "intervision_group_create",
    "intervision_member_add",
    "intervision_member_remove",
    "intervision_meeting_create",
    "onboarding_plan_create",
    "onboarding_plan",
    "onboarding_step_create",
    "onboarding_step_delete",
}
# Allowed, but with these fixtures the rules refuse the change itself (nothing to finalise:
# no consensus yet), so only the "refused roles change nothing" half is checked. (Submitting
# one's scores is checked the same way: the auditor's empty draft sends them back to it.)
ALLOWED_BUT_NOTHING_TO_CHANGE = {
    "audit_finalise",
    # the matrix's knowledge base has no item of the competence map to link evidence to
    # (edmonitor/development/tests save evidence with the framework as shipped)
    "development_evidence",
    # --- story --- (the same: a reflection links items of the map)
    "development_reflection_create",
    "development_reflection",
    # --- groups ---
    # only mia agreed to ask for feedback: for the others the request is refused (test_feedback.py checks both)
    "development_feedback_create",
    # mia has given all three consents in these fixtures (to share, keep her story, ask for feedback):
    # giving one again changes nothing (test_story.py gives and withdraws them)
    "development_consents",
}
# Not checked with a POST: credentials (see test_login_throttling) and session/cookie only.
NOT_POSTED = {"login", "logout", "set_language"}

# What a user would change on each form (on top of the form as the page shows it).
CHANGES: dict[str, dict[str, str]] = {
    "token_list": {"name": "Power BI"},
    "calibration_case_create": {"title": "Nieuwe casus"},
    "calibration_attempt": {"score_1": "3", "rationale_1": "Een visie op papier"},
    "organisation_create": {"name": "Nieuwe organisatie"},
    "organisation_edit": {"name": "Overgenomen"},
    "facility_create": {"name": "Nieuwe voorziening"},
    "facility_edit": {"name": "Hernoemde voorziening"},
    "members": {"username": "eva", "role": "admin"},  # an auditor of A's audits: someone A's admins may choose
    "measurement_create": {"measured_on": "2025-06-01", "label": "Nieuw", "item_2a": "3", "confirm_unanswered": "1"},
    "measurement_edit": {"label": "Gewijzigd", "confirm_unanswered": "1"},
    "course_create": {"name": "Nieuwe opleiding", "cohort": "2027"},
    "development_activity_create": {"kind": "intervision", "title": "Intervisie", "hours": "2"},
    "development_activity": {"title": "Gewijzigd"},
    "course_unit_create": {"name": "Dag 2"},
    "course_unit": {"name": "Gewijzigd"},
    "course_next": {"cohort": "2027"},
    "measurement_draft": {"label": "Gewijzigd", "save_draft": "1"},
    "audit_create": {
        "held_on": "2026-09-01",
        "auditor_1": "mia",
        "position_1": "internal",
        "auditor_2": "eva",
        "position_2": "external",
    },
    "audit_plan": {"participants": "Gewijzigd"},
    "member_invite": {"invite-email": "nieuw@example.org", "invite-role": "viewer"},
    "audit_auditor_invite": {"email": "nieuw@example.org", "place": "2", "position": "external"},
    "audit_notes": {"notes_1": "Gewijzigd"},
    "audit_scores": {"score_1": "1", "rationale_1": "Gewijzigd"},
    "audit_consensus": {"consensus_1": "3"},
    "audit_report": {"strengths": "Gewijzigd"},
    "audit_amend": {"explanation_1": "Gewijzigd", "reason": "Correctie"},
    "programme_create": {"name": "Nieuw programma"},
    "programme_edit": {"name": "Hernoemd programma"},
    "goal_create": {"item": "vie:3a", "goal_type": "at_least", "target": "3"},
    "goal_edit": {"description": "Gewijzigd"},
    "action_create": {"title": "Nieuwe actie", "owner": "Teamleider"},
    "action_edit": {"status": "done"},
    "session_edit": {"notes": "Gewijzigd"},
    "session_steps": {"steps_done": "1"},
    "outcome_create": {"text": "Nieuwe uitkomst"},
    "measurement_import_preview": {"action": "confirm"},  # the Import button (its form holds the signature)
    # --- groups ---
    "development_feedback_create": {"asked_name": "Sam", "question": "Hoe ging het gesprek?", "days": "14"},
    "intervision_group_create": {"name": "Nieuwe groep"},
    "intervision_member_add": {"person": "otto"},
    "intervision_meeting_create": {"held_on": "2026-01-15", "hours": "2", "present": "mia"},
    "onboarding_plan_create": {"newcomer_name": "Sam", "starts_on": "2026-09-01"},
    "onboarding_plan": {"expectations": "Gewijzigd"},
    "onboarding_step_create": {"from_week": "8", "hours_per_week": "20", "tasks": "Eigen gesprekken"},
    # measurement_goals, audit_goals: the form as shown (the proposed codes) judges the open goals
    # --- story ---
    "development_consent_withdraw": {"confirm": "on"},  # the story goes only with the box ticked
    "development_story": {"text": "Gewijzigd verhaal"},
    "development_story_decision_create": {"what": "Een deel", "audience": "Een cliënt", "purpose": "Herkenning"},
    "development_story_decision": {"afterwards": "Het ging goed"},
}

# Tables that are bookkeeping of logging in, not organisation data.
NOT_FINGERPRINTED = {"sessions", "axes", "admin", "contenttypes"}
# The access log records who opened what: a log entry is not a change of data.
NOT_FINGERPRINTED_MODELS = {"organisations.accessevent"}


def url_patterns(resolvers=None, prefix: str = "", params: frozenset[str] = frozenset()):
    """(name, route, parameter names) of every named pattern, recursively, except the admin site."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        own = frozenset(getattr(entry.pattern, "converters", {}) or entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            if route == "beheer/":
                continue
            yield from url_patterns(entry.url_patterns, route, params | own)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, route, params | own


# An SQL statement that writes, and the table it writes to (SQLite and PostgreSQL quote alike).
WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)', re.IGNORECASE)


def not_fingerprinted_tables() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in NOT_FINGERPRINTED or model._meta.label_lower in NOT_FINGERPRINTED_MODELS
    }


def fingerprint() -> str:
    """A hash of every row of every table that holds data (not sessions or login bookkeeping)."""
    digest = hashlib.sha256()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in NOT_FINGERPRINTED or model._meta.label_lower in NOT_FINGERPRINTED_MODELS:
            continue
        digest.update(model._meta.label.encode())
        for row in model._base_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


class _FormReader(HTMLParser):
    """The values of the page's own POST form (no action attribute), as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.found = False
        self._inside = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            own = (a.get("method") or "").lower() == "post" and not a.get("action") and not self.found
            self._inside = own
            self.found = self.found or own
            return
        if not self._inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("radio", "checkbox"):
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            else:
                self.values[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.values):
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def fresh_copy(upload: SimpleUploadedFile) -> SimpleUploadedFile:
    """The same file once more: a file posted once has been read to its end."""
    assert upload.name is not None and isinstance(upload.file, io.BytesIO)
    return SimpleUploadedFile(upload.name, upload.file.getvalue())


def form_values(html: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(html)
    reader.values.pop("csrfmiddlewaretoken", None)
    return reader.values


class PermissionMatrixTests(BaseTestCase):
    # org_a, org_b and facility_a are set by BaseTestCase.setUpTestData, the rest below
    org_a: Organisation
    org_b: Organisation
    facility_a: Facility
    measurement_a: Measurement
    membership_a: Membership
    invitation_a: Invitation
    evidence_mia: Evidence
    activity_mia: Activity
    share_mia: Share
    decision_mia: StoryDecision
    feedback_mia: FeedbackRequest
    group_mia: IntervisionGroup
    member_eva: GroupMember
    plan_a: OnboardingPlan
    step_a: OnboardingStep
    course_a: Course
    unit_a: CourseUnit
    draft_a: MeasurementDraft
    programme: Programme
    participation: Participation
    goal_a: Goal
    action_a: Action
    method: DialogueMethod
    session_a: DialogueSession
    imported_batch: ImportBatch
    pending_batch: ImportBatch
    job_mia: BackgroundJob
    token_mia: ApiToken
    eva: Account
    reference_case: ReferenceCase

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ina = make_user("ina")  # internal auditor of A's audits (a project member of A)
        cls.eva = make_user("eva")  # external auditor of A's audits, no role in A
        cls.otto = make_user("otto")  # external auditor of B's audit only
        cls.bea = make_user("bea")  # internal auditor of B's audit
        Membership.objects.create(user=cls.ina, organisation=cls.org_a, role=Role.MEMBER)
        Membership.objects.create(user=cls.bea, organisation=cls.org_b, role=Role.MEMBER)
        cls.measurement_a = make_measurement(cls.org_a, {"1a": 2, "2a": 3}, label="A1")
        cls.membership_a = Membership.objects.get(user=cls.lex, organisation=cls.org_a)
        cls.draft_a = save_draft(
            organisation=cls.org_a, instrument_version=current_version("vie"), data={"label": "Half af", "item_1a": "2"}
        ).draft
        cls.audit_scoring = plan(cls.org_a, cls.ina, cls.eva, on=dt.date(2026, 3, 2), by=cls.alice)
        cls.audit_consensus = plan(cls.org_a, cls.ina, cls.eva, on=dt.date(2026, 4, 6), by=cls.alice)
        rate(cls.audit_consensus, cls.ina, {t: 2 for t in THEMES})
        rate(cls.audit_consensus, cls.eva, {t: 4 for t in THEMES})
        same = {t: 3 for t in THEMES}
        cls.audit_finalised = finalised(cls.org_a, cls.ina, cls.eva, same, same, same, on=dt.date(2026, 1, 12))
        cls.audit_b = plan(cls.org_b, cls.bea, cls.otto, on=dt.date(2026, 3, 3), by=cls.bob)
        cls.programme = Programme.objects.create(name="Proeftuin Alfa")  # A takes part, B does not
        cls.participation = Participation.objects.create(programme=cls.programme, organisation=cls.org_a)
        load_knowledge(read_content(knowledge_tests.FILES))
        # The improvement plan of A: a VIE goal that measurement_a follows up, an MIE goal that the
        # finalised audit follows up, an action, and a dialogue session with an outcome.
        cls.goal_a = improvement.set_goal(
            organisation=cls.org_a, instrument="vie", item="2a", goal_type="at_least", target=3,
            set_on=dt.date(2024, 12, 1),
        )  # fmt: skip
        improvement.set_goal(
            organisation=cls.org_a, instrument="mie", item="1", goal_type="at_least", target=4,
            set_on=dt.date(2025, 12, 1),
        )  # fmt: skip
        cls.action_a = improvement.create_action(organisation=cls.org_a, title="Intervisie", owner="Teamleider")
        cls.method = make_method()
        cls.session_a, _warnings = improvement.plan_session(
            organisation=cls.org_a, method=cls.method, held_on=dt.date(2026, 2, 1), question="Wat werkt?"
        )
        improvement.add_outcome(cls.session_a, text="Een vaste vrijplaats")
        # Imports of A: one imported by ina (another project member than mia), one upload of mia's
        # waiting for confirmation.
        version = current_version("vie")
        csv = b"organisation;measured_on;label;item_2a\nGGZ Alfa;2025-07-01;Import;3\n"
        rows = read_measurements(version.instrument, csv, require_date=True)
        import_measurements(organisation=cls.org_a, instrument_version=version, rows=rows, user=cls.ina)
        cls.imported_batch = ImportBatch.objects.get()
        csv = b"organisation;measured_on;label;item_2a\nGGZ Alfa;2025-08-01;Nog niet;3\n"
        cls.pending_batch = imports.start_import(
            organisation=cls.org_a, instrument_version=version, file_name="m.csv", content=csv, rows=1, user=cls.mia
        )
        # an earlier confirm of that upload, finished without importing (the list had changed): its page stays
        cls.job_mia = BackgroundJob.objects.create(
            owner=cls.mia,
            key=import_tasks.job_key(cls.org_a.pk, cls.pending_batch.pk),
            status=BackgroundJob.Status.DONE,
            result={"outcome": "changed", "imported": 0, "skipped": 0},
            finished_at=timezone.now(),
        )
        cls.invitation_a = invitations.invite(
            email="uitgenodigd@example.org", organisation=cls.org_a, role=Role.MEMBER, by=cls.alice, base_url="http://t"
        )
        space = development.space_of(cls.mia)  # mia keeps a development space with one piece of evidence
        development.give_consent(space)
        cls.evidence_mia = Evidence.objects.create(
            space=space, kind="reflection", title="Eigen", text="Alleen voor mia", occurred_on=dt.date(2026, 1, 1)
        )
        development.give_use_consent(space, ConsentUse.SHARING)
        cls.share_mia = sharing.share(
            space, what=f"evidence:{cls.evidence_mia.pk}", person=cls.lex, ends_on=timezone.localdate()
        )
        cls.activity_mia = Activity.objects.create(
            space=space, kind="supervision", title="Supervisie", occurred_on=dt.date(2026, 1, 5), hours=1,
            private_note="Alleen voor mia", confirm_by=cls.eva,
        )  # fmt: skip
        # --- story --- mia keeps her own story and one decision record about using it
        development.give_use_consent(space, ConsentUse.STORY)
        Story.objects.create(space=space, text="Alleen voor mia")
        cls.decision_mia = StoryDecision.objects.create(
            space=space, decided_on=dt.date(2026, 1, 2), what="Deel", audience="Team", purpose="Uitleg"
        )
        cls.course_a = Course.objects.create(organisation=cls.org_a, name="Opleiding", cohort="2026")
        cls.unit_a = CourseUnit.objects.create(course=cls.course_a, name="Dag 1")
        # --- groups ---
        development.give_use_consent(space, ConsentUse.FEEDBACK)
        cls.feedback_mia, _token = feedback.ask(space, asked_name="Sam", question="Hoe deed ik het?")
        cls.group_mia = groups.create_group(cls.mia, name="Intervisie regio")  # mia facilitates it
        cls.member_eva = groups.add_member(cls.group_mia, cls.mia, name_or_email="eva")  # no role in A
        cls.plan_a = onboarding.create_plan(cls.org_a, cls.alice, newcomer_name="Sam", starts_on=dt.date(2026, 9, 1))
        cls.step_a = cls.plan_a.steps.first()
        cls.reference_case = published_case(cls.carol)  # calibration: a published reference case, scored by nobody
        cls.token_mia, _raw = tokens.create(
            cls.mia, name="Eigen script", scope="read", expires_on=timezone.localdate() + dt.timedelta(days=30)
        )
        cls.users = {
            "anonymous": None,
            "viewer": cls.lex,
            "member": cls.mia,
            "admin": cls.alice,
            "auditor": cls.eva,
            "other_auditor": cls.otto,
            "other_admin": cls.bob,
            "staff": cls.carol,
        }

    def setUp(self):
        self.clients = {}
        for role, user in self.users.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            self.clients[role] = client

    # --- the table is complete -----------------------------------------------------------------

    def test_the_table_lists_exactly_the_named_urls_of_the_url_conf(self):
        names = {name for name, _route, _params in url_patterns()}
        listed = MATRIX.keys() | API_MATRIX.keys()
        self.assertEqual(sorted(names - listed), [], "URL names without expected statuses: add them to MATRIX")
        self.assertEqual(sorted(listed - names), [], "MATRIX lists URL names that no longer exist")
        self.assertFalse(MATRIX.keys() & API_MATRIX.keys())
        self.assertLessEqual(API_POSTS.keys() | API_PATCHES.keys(), API_MATRIX.keys())
        audit_pages = {
            name for name, _route, params in url_patterns() if "audit_pk" in params and name not in API_MATRIX
        }
        for phase, table in PHASES.items():
            self.assertEqual(set(table), audit_pages, f"PHASES[{phase!r}] must list every audit page")
        for name, row in [*MATRIX.items(), *(i for t in PHASES.values() for i in t.items())]:
            self.assertEqual(len(row), len(ROLES), name)

    # --- every url, every role --------------------------------------------------------------------

    def kwargs(self, route: str, params: frozenset[str], audit) -> dict[str, object]:
        values = {
            "pk": self.programme.pk if route.startswith(("programmas/", "api/v1/programmes/")) else self.org_a.pk,
            "measurement_pk": self.measurement_a.pk,
            "draft_pk": self.draft_a.pk,
            "facility_pk": self.facility_a.pk,
            "membership_pk": self.membership_a.pk,
            "invitation_pk": self.invitation_a.pk,
            "evidence_pk": self.evidence_mia.pk,
            "activity_pk": self.activity_mia.pk,
            "share_pk": self.share_mia.pk,
            "course_pk": self.course_a.pk,
            "unit_pk": self.unit_a.pk,
            "audit_pk": audit.pk,
            "participation_pk": self.participation.pk,
            "name": "alle",  # report tables: all of them,
            "fmt": "csv" if "/opleidingen/" in route else "xlsx",  # a course's coverage; report tables as a workbook
            "goal_pk": self.goal_a.pk,
            "action_pk": self.action_a.pk,
            "session_pk": self.session_a.pk,
            # an upload waiting for confirmation (its preview), or an import (to undo)
            "batch_pk": (self.pending_batch if "/importeren/" in route else self.imported_batch).pk,
            "job_pk": self.job_mia.pk,
            "slug": "kaarten" if route.startswith("kennisbank/werkvormen/") else "rol",  # knowledge_tests.FILES
            # links from e-mails: a token that is not valid (a valid one is tested in accounts/tests)
            "token": "niet-geldig",
            "token_pk": self.token_mia.pk,
            "user_pk": self.eva.pk,  # an auditor's figures: eva's (external auditor of A's audits)
            "case_pk": self.reference_case.pk,
            # FHIR: the newest VIE, and measurement_a as a QuestionnaireResponse
            "resource_id": (
                f"measurement-{self.measurement_a.pk}" if "QuestionnaireResponse" in route else "vie-2012.2"
            ),
            "uidb64": "MQ",
            # --- story ---
            "decision_pk": self.decision_mia.pk,
            "use": "story",
            # --- groups ---
            "request_pk": self.feedback_mia.pk,
            "group_pk": self.group_mia.pk,
            "member_pk": self.member_eva.pk,
            "plan_pk": self.plan_a.pk,
            "step_pk": self.step_a.pk,
        }
        missing = params - values.keys()
        self.assertFalse(missing, f"no test object for URL parameters {sorted(missing)}")
        return {p: values[p] for p in params}

    def changes(self, name: str) -> dict[str, str | SimpleUploadedFile]:
        """What a user would change on the form of page ``name``."""
        if name == "session_create":
            return {"method": str(self.method.pk), "question": "Nieuwe vraag"}
        if name == "development_shares":  # share mia's evidence with eva
            return {"what": f"evidence:{self.evidence_mia.pk}", "person": "eva"}
        if name == "participation_create":
            return {"organisation": str(self.org_b.pk)}
        if name == "participation_edit":
            return {"baseline": str(self.measurement_a.pk)}
        if name == "measurement_import":
            csv = "organisation;measured_on;label;item_1a\nGGZ Alfa;2025-07-01;Import;3\n"
            return {"file": SimpleUploadedFile("metingen.csv", csv.encode())}
        return dict(CHANGES.get(name, {}))

    def request(self, role: str, method: str, url: str, data=None, *, compare: str = "", **extra):
        """One request in a savepoint that is rolled back; with ``compare``, also whether it changed data.

        Every request is rolled back, so each one starts from the same data: the fixtures'.
        ``compare="data"`` compares a hash of every row before and after (for a request that
        should save something); ``compare="writes"`` says whether the request sent any INSERT,
        UPDATE or DELETE to a data table (for a refused request: stricter, since even a write
        that changes nothing counts, and far quicker than hashing the database every time).
        """
        if compare == "data" and not hasattr(self, "initial"):
            self.initial = fingerprint()
        if not extra:
            data = {
                key: fresh_copy(value) if isinstance(value, SimpleUploadedFile) else value
                for key, value in (data or {}).items()
            }  # a fresh copy of every file: a file posted once has been read to its end
        written: list[str] = []

        def watch(execute, sql, params, many, context):
            found = WRITE.match(sql)
            if found:
                written.append(found.group(1))
            return execute(sql, params, many, context)

        with transaction.atomic():
            with connection.execute_wrapper(watch):
                response = getattr(self.clients[role], method)(url, data, **extra)
            if compare == "data":
                changed = fingerprint() != self.initial
            else:
                changed = bool(set(written) - not_fingerprinted_tables())
            transaction.set_rollback(True)
        return response, changed

    def assert_status(self, response, expected, url: str, label: str) -> None:
        if expected == L:
            self.assertEqual(response.status_code, 302, label)
            location = urlsplit(response["Location"])
            self.assertEqual(location.path, reverse("login"), label)
            self.assertEqual(parse_qs(location.query).get("next"), [url], label)
        else:
            self.assertEqual(response.status_code, expected, label)

    def check_table(self, table: dict[str, tuple[object, ...]], audit, phase: str) -> int:
        routes = {name: (route, params) for name, route, params in url_patterns()}
        checked = 0
        for name, row in table.items():
            url = reverse(name, kwargs=self.kwargs(*routes[name], audit))
            expected = dict(zip(ROLES, row, strict=True))
            payload: dict[str, str | SimpleUploadedFile] = self.changes(name)
            # Roles that may use the page first: their form, as shown, becomes the POST data.
            for role in sorted(ROLES, key=lambda r: expected[r] not in (200, 405)):
                label = f"{phase}: GET {name} as {role}"
                response, _changed = self.request(role, "get", url)
                self.assert_status(response, expected[role], url, label)
                checked += 1
                if name in NOT_POSTED:
                    continue
                allowed = expected[role] in (200, 405)
                if allowed and name in STATE_CHANGING:
                    data: dict[str, str | SimpleUploadedFile] = (
                        dict(form_values(response.content.decode())) if expected[role] == 200 else {}
                    )
                    data.update(self.changes(name))
                    payload = data
                    response, changed = self.request(role, "post", url, data, compare="data")
                    self.assertNotIn(response.status_code, (403, 404), f"{phase}: POST {name} as {role}")
                    if name not in ALLOWED_BUT_NOTHING_TO_CHANGE:
                        self.assertTrue(changed, f"{phase}: POST {name} as {role} should have saved something")
                elif not allowed:
                    label = f"{phase}: POST {name} as {role}"
                    response, changed = self.request(role, "post", url, payload, compare="writes")
                    self.assert_status(response, expected[role], url, label)
                    self.assertFalse(changed, f"{label} changed the database")
                    checked += 1
        return checked

    def test_every_page_answers_every_role_as_the_rules_say(self):
        checked = self.check_table(MATRIX, self.audit_scoring, "scoring")
        self.assertGreater(checked, len(MATRIX) * len(ROLES))

    def test_audit_pages_in_the_consensus_phase(self):
        self.check_table(PHASES["consensus"], self.audit_consensus, "consensus")

    def test_audit_pages_of_a_finalised_audit(self):
        self.check_table(PHASES["finalised"], self.audit_finalised, "finalised")

    def test_the_importer_may_undo_their_own_import(self):
        # The matrix's member (mia) did not import it: ina, another project member, did.
        client = Client()
        client.force_login(self.ina)
        url = reverse("measurement_import_undo", kwargs={"pk": self.org_a.pk, "batch_pk": self.imported_batch.pk})
        self.assertEqual(client.get(url).status_code, 200)

    # --- cross-organisation guesses -----------------------------------------------------------------

    def test_every_api_route_answers_every_role_with_a_token_as_the_rules_say(self):
        """Each role with a token that may write: GET every API route, POST where the API stores."""
        routes = {name: (route, params) for name, route, params in url_patterns()}
        valid_until = timezone.localdate() + dt.timedelta(days=1)
        for role, user in self.users.items():
            self.clients[role] = Client()
            if user is not None:
                token, raw = tokens.create(user, name="matrix", scope="write", expires_on=valid_until)
                # used just now: a call records a token's use at most every 15 minutes, so no call below writes it
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
                self.clients[role] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        checked = 0
        for name, row in API_MATRIX.items():
            url = reverse(name, kwargs=self.kwargs(*routes[name], self.audit_scoring))
            for role, expected in zip(ROLES, row, strict=True):
                response, _changed = self.request(role, "get", url)
                self.assertEqual(response.status_code, expected, f"GET {name} as {role}")
                checked += 1
            for method, table, done in (("post", API_POSTS, 201), ("patch", API_PATCHES, 200)):
                row = table.get(name)
                for role, expected in zip(ROLES, row or (), strict=row is not None):
                    compare = "data" if expected == done else "writes"
                    response, changed = self.request(
                        role, method, url, API_PAYLOADS[name], compare=compare, content_type="application/json"
                    )
                    label = f"{method.upper()} {name} as {role}"
                    self.assertEqual(response.status_code, expected, label)
                    self.assertEqual(changed, expected == done, f"{label}: stored or not")
                    checked += 1
        self.assertEqual(checked, (len(API_MATRIX) + len(API_POSTS) + len(API_PATCHES)) * len(ROLES))

    def test_an_audit_of_b_cannot_be_reached_through_a_url_of_a(self):
        for name in PHASES["finalised"]:
            url = reverse(name, kwargs={"pk": self.org_a.pk, "audit_pk": self.audit_b.pk})
            for role in ("admin", "staff", "other_auditor"):
                response, _changed = self.request(role, "get", url)
                self.assertEqual(response.status_code, 404, f"{name} as {role}")

    # --- the admin site ---------------------------------------------------------------------------

    def test_only_staff_open_the_admin_site(self):
        pages = ["/beheer/", "/beheer/organisations/organisation/", "/beheer/auth/user/"]
        for role in ROLES:
            for page in pages:
                response, _changed = self.request(role, "get", page)
                if role == "staff":
                    self.assertEqual(response.status_code, 200, f"{page} as {role}")
                    continue
                # to a login page: the admin's (which refuses non-staff accounts) or, anonymous, the site's
                self.assertEqual(response.status_code, 302, f"{page} as {role}")
                login = "/beheer/login/" if role != "anonymous" or page == "/beheer/" else reverse("login")
                self.assertEqual(urlsplit(response["Location"]).path, login, f"{page} as {role}")
