"""The VIE form: a round trip through the browser-facing pages, facts, and refused input."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from edmonitor.measurements.models import ItemResponse, Measurement
from edmonitor.testing import BaseTestCase

ALL_DIRECT = {
    "item_1a": "2",
    "item_2a": "3",
    "item_3a": "1",
    "item_4a": "2",
    "item_5a": "1",
    "item_6a": "4",
    "item_7a": "3",
    "item_8a": "2",
    "item_9a": "3",
    "item_10a": "4",
}  # sum 25 -> mean 2.5 -> midden


class MeasurementFormTests(BaseTestCase):
    def setUp(self):
        self.login(self.mia)
        self.url = reverse("measurement_create", args=[self.org_a.pk])

    def post(self, extra=None, url=None):
        data = {"measured_on": "2025-04-01", "label": "beginmeting", **ALL_DIRECT}
        data.update(extra or {})
        data = {k: v for k, v in data.items() if v is not None}
        return self.client.post(url or self.url, data)

    def test_a_measurement_entered_in_the_form_is_saved_and_shown_with_total_and_level(self):
        response = self.post({"goal_1b": "C", "goal_6b": "A", "note_2a": "Drie leerwerkplekken."})
        measurement = Measurement.objects.get(organisation=self.org_a)
        self.assertRedirects(response, reverse("measurement", args=[self.org_a.pk, measurement.pk]))
        self.assertEqual(measurement.total, Decimal("2.5"))
        self.assertEqual(measurement.level, "midden")
        self.assertEqual(measurement.label, "beginmeting")
        self.assertEqual(measurement.instrument_version.version, "2012.2")
        responses = {r.item_id: r for r in measurement.responses.all()}
        self.assertEqual({k: r.score for k, r in responses.items()}, {k[5:]: int(v) for k, v in ALL_DIRECT.items()})
        self.assertEqual(responses["1a"].goal_code, "C")
        self.assertEqual(responses["6a"].goal_code, "A")
        self.assertEqual(responses["2a"].note, "Drie leerwerkplekken.")
        page = self.client.get(response["Location"])
        self.assertContains(page, "2.5") if page.context["LANGUAGE_CODE"] == "en" else self.assertContains(page, "2,5")
        self.assertContains(page, "level-midden")
        self.assertContains(page, "Drie leerwerkplekken.")

    def test_the_form_explains_what_counts_for_item_2a_under_its_question(self):
        page = self.client.get(self.url)
        html = page.content.decode()
        question = html.index("Ervaringsdeskundigen kunnen binnen en buiten de instelling terecht")
        details = html.index('<details class="item-help" id="help-2a">')
        assert question < details < html.index('id="item-3a"')
        self.assertContains(page, "Wat telt mee bij item 2a?")
        self.assertContains(page, "Betaalde en onbetaalde plekken tellen allebei mee.")
        self.assertContains(page, "Bijlage 1, item 2a")
        self.assertEqual(html.count('class="item-help"'), 10)

    def test_the_description_of_the_questionnaire_is_folded_away_above_the_first_question(self):
        # on a phone the whole description came before the first question; now it opens on request
        html = self.client.get(self.url).content.decode()
        folded = html.index('<details class="help" id="about-instrument"><summary>Over deze vragenlijst</summary>')
        description = html.index("In edmonitor vult een organisatie de VIE zelf in.")
        assert folded < description < html.index("</details>", folded) < html.index('id="item-1a"')

    def test_the_edit_form_shows_what_was_saved_and_saving_it_unchanged_changes_nothing(self):
        self.post({"goal_3b": "B", "note_9a": "Opleidingsplan in de maak."})
        measurement = Measurement.objects.get(organisation=self.org_a)
        before = list(measurement.responses.values_list("item_id", "score", "derived", "goal_code", "note"))
        edit_url = reverse("measurement_edit", args=[self.org_a.pk, measurement.pk])
        form = self.client.get(edit_url).context["form"]
        data = {}
        for name in form.fields:
            value = form[name].value()
            if value in (None, ""):
                continue
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
        self.assertEqual(data["item_1a"], "2")
        self.assertEqual(data["goal_3b"], "B")
        response = self.client.post(edit_url, data)
        self.assertEqual(response.status_code, 302)
        after = list(measurement.responses.values_list("item_id", "score", "derived", "goal_code", "note"))
        self.assertEqual(sorted(before), sorted(after))
        self.assertEqual(Measurement.objects.count(), 1)

    def test_item_1a_is_derived_from_fte_and_the_facts_are_stored(self):
        # 3 fte of 1000 staff fte = 3 per mille -> score 3
        self.post({"item_1a": None, "mode_1a": "facts", "staff_fte": "1000", "ed_fte": "3"})
        measurement = Measurement.objects.get()
        response = measurement.responses.get(item_id="1a")
        self.assertEqual((response.score, response.derived), (3, True))
        self.assertEqual(measurement.facts["ed_fte"], "3")
        self.assertEqual(measurement.facts["staff_fte"], "1000")
        page = self.client.get(reverse("measurement", args=[self.org_a.pk, measurement.pk]))
        self.assertContains(page, "derived-tag", count=1)

    def test_a_fact_typed_with_a_decimal_comma_is_shown_back_with_a_decimal_comma(self):
        self.post({"item_1a": None, "mode_1a": "facts", "staff_fte": "1000", "ed_fte": "4,5"})
        measurement = Measurement.objects.get()
        self.assertEqual(measurement.facts["ed_fte"], "4.5")  # stored as a plain number
        page = self.client.get(reverse("measurement", args=[self.org_a.pk, measurement.pk]))
        self.assertContains(page, "<dd>4,5</dd>", html=True)
        self.assertNotContains(page, "4.5")
        form = self.client.get(reverse("measurement_edit", args=[self.org_a.pk, measurement.pk])).context["form"]
        self.assertEqual(form["ed_fte"].value(), "4,5")

    def test_saving_with_unanswered_items_names_them_and_saves_only_after_confirmation(self):
        partial = {"item_3a": None, "item_9a": None}
        response = self.post(partial)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Measurement.objects.exists())  # nothing saved yet
        self.assertEqual([i.id for i in response.context["unanswered"]], ["3a", "9a"])
        self.assertContains(response, 'href="#item-3a"')
        self.assertContains(response, "2 items hebben nog geen antwoord")
        self.assertEqual(response.context["form"]["item_2a"].value(), ALL_DIRECT["item_2a"])  # nothing typed is lost
        response = self.post({**partial, "confirm_unanswered": "1"})
        measurement = Measurement.objects.get()
        self.assertRedirects(response, reverse("measurement", args=[self.org_a.pk, measurement.pk]))
        self.assertEqual(measurement.responses.filter(item_id__in=["3a", "9a"]).count(), 0)

    def test_a_complete_measurement_needs_no_confirmation(self):
        response = self.post()
        self.assertEqual(response.status_code, 302)

    def test_dates_are_written_one_way_on_every_page(self):
        self.post()
        measurement = Measurement.objects.get()
        self.post({"measured_on": "2026-03-15", "label": "vervolg"})
        pages = [
            reverse("organisation", args=[self.org_a.pk]) + f"?a={measurement.pk}&b={measurement.pk + 1}",
            reverse("organisation_report", args=[self.org_a.pk]),
        ]
        for url in pages:
            html = self.client.get(url).content.decode()
            self.assertIn("15 maart 2026", html, url)
            for other in ("15 mrt", "15-3-2026", "15-03-2026", "1-4-2025", "01-04-2025"):
                self.assertNotIn(other, html.lower(), url)

    def test_item_7a_is_derived_from_the_ticked_criteria_which_are_stored_one_by_one(self):
        ticked = ["regular_actions", "several_departments", "structural_attention"]
        self.post({"item_7a": None, "mode_7a": "facts", "criteria_7a": ticked})
        measurement = Measurement.objects.get()
        self.assertEqual(sorted(measurement.criteria["7a"]), sorted(ticked))
        self.assertEqual(measurement.responses.get(item_id="7a").score, 3)

    def test_no_criteria_ticked_scores_7a_as_1(self):
        self.post({"item_7a": None, "mode_7a": "facts"})
        self.assertEqual(Measurement.objects.get().responses.get(item_id="7a").score, 1)

    def test_items_4a_and_5a_use_the_size_class_of_the_clients_entered(self):
        # 5 coaches: small (<3000) 5-6 -> 4, medium 4-5 -> 3; 4 coaches: medium 4-5 -> 3, large 1-4 -> 2
        cases = (("2999", "5", 4), ("3000", "5", 3), ("10000", "4", 3), ("10001", "4", 2))
        for clients, coaches, expected in cases:
            Measurement.objects.all().delete()
            self.post({"item_4a": None, "mode_4a": "facts", "clients": clients, "ed_recovery_coach_count": coaches})
            self.assertEqual(Measurement.objects.get().responses.get(item_id="4a").score, expected, clients)

    def test_the_facts_of_an_item_in_direct_mode_are_ignored(self):
        self.post({"mode_1a": "direct", "ed_fte": "9"})
        measurement = Measurement.objects.get()
        self.assertNotIn("ed_fte", measurement.facts)
        self.assertEqual(measurement.responses.get(item_id="1a").score, 2)


class RefusedInputTests(BaseTestCase):
    def setUp(self):
        self.login(self.mia)
        self.url = reverse("measurement_create", args=[self.org_a.pk])

    def assert_refused(self, data, field):
        full = {"measured_on": "2025-04-01", **ALL_DIRECT, **data}
        full = {k: v for k, v in full.items() if v is not None}
        response = self.client.post(self.url, full)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn(field, form.errors, form.errors)
        # The message sits next to the field, tied to it for screen readers.
        self.assertContains(response, f'id="id_{field}_errors"')
        self.assertEqual(Measurement.objects.count(), 0)
        self.assertEqual(ItemResponse.objects.count(), 0)
        return form.errors[field]

    def test_a_score_outside_1_to_5_is_refused(self):
        self.assert_refused({"item_3a": "6"}, "item_3a")

    def test_a_goal_code_other_than_a_to_d_is_refused(self):
        self.assert_refused({"goal_2b": "E"}, "goal_2b")

    def test_negative_facts_are_refused(self):
        self.assert_refused(
            {"item_5a": None, "mode_5a": "facts", "ed_group_facilitator_count": "-1"}, "ed_group_facilitator_count"
        )

    def test_non_numeric_facts_are_refused(self):
        self.assert_refused({"item_1a": None, "mode_1a": "facts", "staff_fte": "veel", "ed_fte": "2"}, "staff_fte")

    def test_more_expert_fte_than_staff_fte_is_refused(self):
        errors = self.assert_refused({"item_1a": None, "mode_1a": "facts", "staff_fte": "10", "ed_fte": "12"}, "ed_fte")
        self.assertIn("12", errors[0])

    def test_both_fte_and_hours_are_refused(self):
        self.assert_refused(
            {"item_1a": None, "mode_1a": "facts", "staff_fte": "100", "ed_fte": "1", "ed_hours_per_week": "36"},
            "ed_hours_per_week",
        )

    def test_a_count_that_is_not_a_whole_number_is_refused(self):
        self.assert_refused({"item_3a": None, "mode_3a": "facts", "ed_policy_count": "1.5"}, "ed_policy_count")

    def test_choosing_facts_without_entering_any_is_refused(self):
        self.assert_refused({"item_3a": None, "mode_3a": "facts"}, "ed_policy_count")

    def test_a_missing_date_is_refused(self):
        self.assert_refused({"measured_on": ""}, "measured_on")

    def test_the_error_message_is_in_dutch_by_default(self):
        errors = self.assert_refused({"item_1a": None, "mode_1a": "facts", "staff_fte": "10", "ed_fte": "12"}, "ed_fte")
        self.assertIn("fte", errors[0])
        self.assertNotIn("cannot exceed", errors[0])
