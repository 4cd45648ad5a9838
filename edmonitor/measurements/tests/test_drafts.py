"""Drafts of the VIE form: save half-way, go on later (anyone who may record), never counted, never lost.

Issue 14.2: "save as draft (a draft does not count in reports, trends, benchmarks,
programmes or exports until it is completed; it is listed on the organisation page and
can be resumed by anyone who may record)".
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.urls import reverse

from edmonitor.core.concurrency import fingerprints
from edmonitor.instruments.scoring import MeasurementInput
from edmonitor.measurements.instruments import current_version
from edmonitor.measurements.models import Measurement, MeasurementDraft
from edmonitor.measurements.services import MAX_DRAFT_BYTES, DraftGone, record_measurement, save_draft
from edmonitor.organisations.models import Organisation, Sector
from edmonitor.programmes.models import Participation, Programme
from edmonitor.testing import BaseTestCase, make_measurement

from .test_measurement_form import ALL_DIRECT

HALF = {"measured_on": "2026-11-30", "label": "najaarsmeting", "item_1a": "2", "item_2a": "3", "item_3a": "1"}


class DraftTests(BaseTestCase):
    def setUp(self):
        self.login(self.mia)
        self.create_url = reverse("measurement_create", args=[self.org_a.pk])

    def save_draft(self, data, url=None):
        return self.client.post(url or self.create_url, {**data, "save_draft": "1"})

    def draft_url(self, draft):
        return reverse("measurement_draft", args=[self.org_a.pk, draft.pk])

    def shown(self, draft):
        """What the draft page's form posts back unchanged, as a browser would (checked radios, typed text)."""
        page = self.client.get(self.draft_url(draft))
        self.assertEqual(page.status_code, 200)
        form = page.context["form"]
        data = {"draft_seen": page.context["draft_seen"]}
        for name in form.fields:
            value = form[name].value()
            if value in (None, "", []):
                continue
            data[name] = value
        return data

    # --- saving and going on -------------------------------------------------------------

    def test_a_half_filled_form_with_a_bad_value_is_kept_as_typed_and_is_no_measurement(self):
        response = self.save_draft({**HALF, "staff_fte": "veel", "note_2a": "Twee plekken, één vacature."})
        draft = MeasurementDraft.objects.get()
        self.assertRedirects(response, self.draft_url(draft))
        self.assertEqual(Measurement.objects.count(), 0)
        self.assertEqual(draft.data["staff_fte"], "veel")
        self.assertEqual(draft.data["item_2a"], "3")
        self.assertEqual(draft.data["note_2a"], "Twee plekken, één vacature.")
        self.assertEqual(draft.data["item_4a"], "")  # every field of the form, empty ones too
        self.assertEqual((draft.created_by, draft.updated_by), (self.mia, self.mia))
        self.assertEqual(draft.answered(), 3)
        page = self.client.get(self.draft_url(draft))
        self.assertContains(page, 'value="veel"')
        self.assertContains(page, "Twee plekken, één vacature.")
        self.assertContains(page, 'id="draft-notice"')
        self.assertEqual(page.context["form"]["item_2a"].value(), "3")
        self.assertFalse(page.context["form"].errors)  # a draft is shown as typed, not checked

    def test_a_draft_without_any_answer_or_date_can_be_saved(self):
        self.save_draft({})
        self.assertEqual(MeasurementDraft.objects.get().answered(), 0)

    def test_the_organisation_page_lists_drafts_for_those_who_record_only(self):
        self.save_draft(HALF)
        draft = MeasurementDraft.objects.get()
        page = self.client.get(reverse("organisation", args=[self.org_a.pk]))
        self.assertContains(page, self.draft_url(draft))
        self.assertContains(page, "najaarsmeting")
        self.assertContains(page, "3 van 10") if page.context["LANGUAGE_CODE"] == "nl" else self.assertContains(
            page, "3 of 10"
        )
        self.login(self.lex)  # a viewer of the organisation reads measurements, not work in progress
        page = self.client.get(reverse("organisation", args=[self.org_a.pk]))
        self.assertNotContains(page, self.draft_url(draft))
        self.assertEqual(self.client.get(self.draft_url(draft)).status_code, 403)
        self.login(self.bob)  # another organisation's admin does not even learn that it exists
        self.assertEqual(self.client.get(self.draft_url(draft)).status_code, 404)

    def test_another_member_goes_on_with_the_draft_and_completes_it(self):
        self.save_draft({**HALF, "goal_1b": "C", "note_1a": "Begin gemaakt."})
        draft = MeasurementDraft.objects.get()
        self.login(self.alice)
        data = self.shown(draft)
        data.update(ALL_DIRECT)
        response = self.client.post(self.draft_url(draft), data)
        measurement = Measurement.objects.get()
        self.assertRedirects(response, reverse("measurement", args=[self.org_a.pk, measurement.pk]))
        self.assertFalse(MeasurementDraft.objects.exists())
        self.assertEqual(measurement.label, "najaarsmeting")
        self.assertEqual(measurement.measured_on, dt.date(2026, 11, 30))
        self.assertEqual(measurement.total, Decimal("2.5"))  # ALL_DIRECT: 25 / 10
        responses = {r.item_id: r for r in measurement.responses.all()}
        self.assertEqual(responses["1a"].goal_code, "C")
        self.assertEqual(responses["1a"].note, "Begin gemaakt.")
        self.assertEqual(measurement.created_by, self.alice)

    def test_completing_with_an_error_keeps_the_draft_as_it_was_and_records_nothing(self):
        self.save_draft(HALF)
        draft = MeasurementDraft.objects.get()
        before = dict(draft.data)
        data = self.shown(draft)
        data.update({"staff_fte": "-3", "confirm_unanswered": "1"})
        response = self.client.post(self.draft_url(draft), data)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertEqual(Measurement.objects.count(), 0)
        draft.refresh_from_db()
        self.assertEqual(draft.data, before)

    def test_unanswered_items_are_named_and_the_page_offers_to_save_a_draft(self):
        response = self.client.post(self.create_url, HALF)
        self.assertEqual(Measurement.objects.count(), 0)
        self.assertContains(response, 'name="save_draft"', count=2)  # in the notice and at the bottom
        names = [item.id for item in response.context["unanswered"]]
        self.assertEqual(names, ["4a", "5a", "6a", "7a", "8a", "9a", "10a"])

    def test_a_value_longer_than_its_field_allows_is_refused_with_a_message_and_nothing_is_saved(self):
        response = self.save_draft({**HALF, "note_3a": "x" * 5001})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(MeasurementDraft.objects.exists())
        text = " ".join(str(m) for m in response.context["messages"])
        self.assertIn("Nothing has been saved" if "Nothing" in text else "Er is niets bewaard", text)
        self.assertEqual(response.context["form"]["label"].value(), "najaarsmeting")  # the typed values stay

    # --- never counted -------------------------------------------------------------------------

    def outputs(self):
        """Everything that shows or exports the organisation's results, as bytes."""
        org = self.org_a.pk
        urls = [reverse("organisation_export", args=[org])]
        urls += [reverse("organisation_report_table", args=[org, name, "csv"]) for name in ("vie-items", "vie-goals")]
        urls += [reverse("organisation_benchmark_table", args=[org, "benchmark-vie", "csv"])]
        urls += [reverse("programme_table", args=[self.programme.pk, name, "csv"]) for name in self.programme_tables]
        out = {}
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            out[url] = b"".join(response.streaming_content) if response.streaming else response.content
        page = self.client.get(reverse("organisation_report", args=[org]))
        out["report totals"] = [(m.measured_on, m.total) for m in page.context["report"].vie.series]
        return out

    def test_a_draft_changes_no_report_trend_benchmark_programme_or_export(self):
        for i in range(5):  # peers enough for the benchmark to show
            peer = Organisation.objects.create(name=f"Peer {i}", sector=Sector.MENTAL_HEALTH)
            make_measurement(peer, {k[5:]: 2 for k in ALL_DIRECT}, on=dt.date(2025, 6, 1))
        first = make_measurement(self.org_a, {k[5:]: 1 for k in ALL_DIRECT}, on=dt.date(2025, 1, 1))
        second = make_measurement(self.org_a, {k[5:]: 2 for k in ALL_DIRECT}, on=dt.date(2026, 1, 1))
        self.programme = Programme.objects.create(name="Landelijk")
        Participation.objects.create(programme=self.programme, organisation=self.org_a, baseline=first, followup=second)
        self.programme_tables = ("organisations", "totals", "levels", "items")
        self.login(self.carol)
        before = self.outputs()
        self.assertEqual(
            before["report totals"], [(dt.date(2025, 1, 1), Decimal("1.0")), (dt.date(2026, 1, 1), Decimal("2.0"))]
        )
        # A draft of a new measurement (all 4s) and a draft correction of the second one (all 3s).
        self.save_draft({**{k: "4" for k in ALL_DIRECT}, "measured_on": "2026-11-01"})
        edit = reverse("measurement_edit", args=[self.org_a.pk, second.pk])
        self.save_draft({**{k: "3" for k in ALL_DIRECT}, "measured_on": "2026-01-01"}, url=edit)
        self.assertEqual(MeasurementDraft.objects.count(), 2)
        self.assertEqual(self.outputs(), before)
        second.refresh_from_db()
        self.assertEqual(second.total, Decimal("2.0"))

    # --- corrections --------------------------------------------------------------------------

    def test_a_draft_correction_leaves_the_measurement_until_it_is_completed(self):
        measurement = make_measurement(self.org_a, {k[5:]: 2 for k in ALL_DIRECT}, on=dt.date(2026, 1, 1))
        edit = reverse("measurement_edit", args=[self.org_a.pk, measurement.pk])
        self.save_draft({**{k: "2" for k in ALL_DIRECT}, "item_1a": "4", "measured_on": "2026-01-01"}, url=edit)
        draft = MeasurementDraft.objects.get()
        self.assertEqual(draft.measurement, measurement)
        page = self.client.get(edit)  # the edit page points to the draft, so no answer is lost
        self.assertContains(page, self.draft_url(draft))
        measurement.refresh_from_db()
        self.assertEqual(measurement.total, Decimal("2.0"))
        response = self.client.post(self.draft_url(draft), self.shown(draft))
        self.assertRedirects(response, reverse("measurement", args=[self.org_a.pk, measurement.pk]))
        measurement.refresh_from_db()
        self.assertEqual(measurement.total, Decimal("2.2"))  # (4 + 9 × 2) / 10
        self.assertEqual(Measurement.objects.count(), 1)
        self.assertFalse(MeasurementDraft.objects.exists())

    def test_deleting_a_measurement_says_its_draft_correction_goes_too(self):
        measurement = make_measurement(self.org_a, {"1a": 2}, on=dt.date(2026, 1, 1))
        self.save_draft({"item_1a": "3"}, url=reverse("measurement_edit", args=[self.org_a.pk, measurement.pk]))
        self.login(self.alice)
        page = self.client.get(reverse("measurement_delete", args=[self.org_a.pk, measurement.pk]))
        self.assertEqual(page.context["drafts"], 1)

    # --- throwing away ------------------------------------------------------------------------

    def test_throwing_a_draft_away_asks_first_and_then_removes_only_it(self):
        self.save_draft(HALF)
        self.save_draft({"label": "andere"})
        draft = MeasurementDraft.objects.get(data__label="najaarsmeting")
        url = reverse("measurement_draft_delete", args=[self.org_a.pk, draft.pk])
        page = self.client.get(url)
        self.assertContains(page, "najaarsmeting")
        self.assertEqual(MeasurementDraft.objects.count(), 2)
        self.assertRedirects(self.client.post(url), reverse("organisation", args=[self.org_a.pk]))
        self.assertEqual(list(MeasurementDraft.objects.values_list("data__label", flat=True)), ["andere"])


class TwoPeopleOnOneDraftTests(BaseTestCase):
    """Anyone who may record may go on with a draft, so two may at once: nobody's answers get lost."""

    def setUp(self):
        self.login(self.mia)
        self.client.post(reverse("measurement_create", args=[self.org_a.pk]), {**HALF, "save_draft": "1"})
        self.draft = MeasurementDraft.objects.get()
        self.url = reverse("measurement_draft", args=[self.org_a.pk, self.draft.pk])
        # What both saw when they opened the draft.
        self.opened = {"draft_seen": fingerprints(self.draft.data), **{k: v for k, v in self.draft.data.items() if v}}

    def post_as(self, user, changes, **extra):
        self.login(user)
        return self.client.post(self.url, {**self.opened, **changes, **extra})

    def test_changes_to_different_answers_are_merged_and_the_second_is_told(self):
        self.post_as(self.mia, {"item_4a": "2"}, save_draft="1")
        response = self.post_as(self.alice, {"note_2a": "Alice vult aan."}, save_draft="1")
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.data["item_4a"], "2")  # mia's answer survives alice's save
        self.assertEqual(self.draft.data["note_2a"], "Alice vult aan.")
        self.assertEqual(self.draft.updated_by, self.alice)
        shown = self.client.get(self.url).context["messages"]
        self.assertEqual([m.level_tag for m in shown if m.level_tag == "warning"], ["warning"])

    def test_changes_to_the_same_answer_are_refused_and_the_page_keeps_both(self):
        self.post_as(self.mia, {"item_2a": "4", "item_4a": "2"}, save_draft="1")
        response = self.post_as(self.alice, {"item_2a": "1"}, save_draft="1")
        self.assertEqual(response.status_code, 200)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.data["item_2a"], "4")  # nothing of alice's save was written
        self.assertEqual(len(response.context["conflict"]), 1)
        form = response.context["form"]
        self.assertEqual(form["item_2a"].value(), "1")  # alice's own answer, to keep or change
        self.assertEqual(form["item_4a"].value(), "2")  # mia's other change, shown to alice
        # Saving again now keeps alice's version and mia's other answer.
        again = {k: v for k, v in {**self.opened, "item_2a": "1", "item_4a": "2"}.items()}
        again["draft_seen"] = response.context["draft_seen"]
        self.client.post(self.url, {**again, "save_draft": "1"})
        self.draft.refresh_from_db()
        self.assertEqual((self.draft.data["item_2a"], self.draft.data["item_4a"]), ("1", "2"))

    def test_completing_a_draft_someone_saved_meanwhile_records_nothing_until_checked(self):
        self.post_as(self.mia, {"item_4a": "2"}, save_draft="1")
        response = self.post_as(self.alice, {**ALL_DIRECT, "item_4a": ""}, confirm_unanswered="1")
        self.assertRedirects(response, self.url)
        self.assertEqual(Measurement.objects.count(), 0)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.data["item_4a"], "2")  # mia's answer, which alice never saw
        self.assertEqual(self.draft.data["item_10a"], ALL_DIRECT["item_10a"])  # alice's answers are kept too

    def test_a_draft_completed_by_someone_else_meanwhile_is_not_recorded_twice(self):
        self.post_as(self.mia, {**ALL_DIRECT})
        self.assertEqual(Measurement.objects.count(), 1)
        self.login(self.alice)
        response = self.client.post(self.url, {**self.opened, **ALL_DIRECT, "note_5a": "Van Alice."})
        self.assertEqual(Measurement.objects.count(), 1)
        # Alice's answers are not lost: the page shows them, as a new form of their own.
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"]["note_5a"].value(), "Van Alice.")
        self.assertEqual(response.context["form_action"], reverse("measurement_create", args=[self.org_a.pk]))
        self.assertIsNone(response.context["draft"])

    def test_the_service_records_nothing_for_a_draft_that_is_gone(self):
        gone = MeasurementDraft.objects.get(pk=self.draft.pk)
        MeasurementDraft.objects.filter(pk=gone.pk).delete()
        with self.assertRaises(DraftGone):
            record_measurement(
                organisation=self.org_a,
                instrument_version=gone.instrument_version,
                measured_on=dt.date(2026, 11, 30),
                inp=MeasurementInput(direct={"1a": 2}),
                draft=gone,
            )
        self.assertEqual(Measurement.objects.count(), 0)


class DraftSizeTests(BaseTestCase):
    def test_the_service_refuses_a_draft_beyond_its_size(self):
        with self.assertRaises(ValueError):
            save_draft(
                organisation=self.org_a,
                instrument_version=current_version("vie"),
                data={"note_1a": "x" * (MAX_DRAFT_BYTES + 1)},
            )
        self.assertFalse(MeasurementDraft.objects.exists())
        self.assertLess(len(json.dumps({f"note_{i}": "x" * 5000 for i in range(10)})), MAX_DRAFT_BYTES)
