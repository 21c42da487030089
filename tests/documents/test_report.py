"""The Site Validation Report: every finding, per requirement, in English and in French."""

from __future__ import annotations

import itertools

import pytest

from core.errors import DomainError
from tests.validations.factories import (
    make_site_validation,
    new_officer,
    plan_measure,
    record_findings,
)
from traders.models import Requirement
from validations import services
from validations.documents import site_validation_report_render
from validations.models import Finding, SiteValidation

from .conftest import pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db

RESULTS = {
    Finding.Result.MEETS: ("Meets", "Satisfait"),
    Finding.Result.PARTIALLY_MEETS: ("Partially meets", "Satisfait partiellement"),
    Finding.Result.DOES_NOT_MEET: ("Does not meet", "Ne satisfait pas"),
    Finding.Result.NOT_APPLICABLE: ("Not applicable", "Sans objet"),
}


def completed_validation_with_every_result() -> tuple[SiteValidation, list[Requirement]]:
    officer = new_officer()
    validation = make_site_validation(state=SiteValidation.State.IN_PROGRESS, officer=officer)
    requirements = list(
        Requirement.objects.filter(area__catalogue_id=validation.catalogue_id).order_by(
            "area__order", "order"
        )
    )
    for requirement, result in zip(requirements, itertools.cycle(RESULTS), strict=False):
        services.finding_record(
            validation=validation,
            requirement=requirement,
            result=result,
            note="" if result == Finding.Result.MEETS else f"Gap noted at {requirement.code}.",
            actor=officer,
        )
    # A measure for every must requirement found short: the plan the outcome needs.
    short = (Finding.Result.PARTIALLY_MEETS, Finding.Result.DOES_NOT_MEET)
    validation = services.site_validation_complete(
        validation=validation,
        actor=officer,
        outcome=SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN,
        recommendations="Keep a visitor log at the east gate.",
        action_plan_items=[
            plan_measure(validation, finding.requirement.code)
            for finding in validation.findings.filter(
                result__in=short, requirement__level=Requirement.Level.MUST
            ).select_related("requirement")
        ],
    )
    return validation, requirements


def test_the_report_holds_every_finding_in_both_languages():
    validation, requirements = completed_validation_with_every_result()
    pdf = site_validation_report_render(validation=validation)
    text = pdf_text(pdf)

    assert "Site Validation Report" in text and "Rapport de validation de site" in text
    assert validation.company.legal_name in text
    assert validation.application.reference in text
    for requirement in requirements:
        assert requirement.code in text, requirement.code
    for english, french in RESULTS.values():
        assert english in text and french in text, (english, french)
    assert "Meets requirements with an action plan" in text
    assert "Gap noted at" in text
    assert "Keep a visitor log at the east gate." in text
    # A requirement's own words, in each language.
    first = requirements[0]
    assert " ".join(first.text_en.split()[:4]) in text
    assert " ".join(first.text_fr.split()[:4]) in text
    assert pdf_fonts(pdf) <= {
        "TT-Noto-Sans",
        "TT-Noto-Sans-Bold",
        "TT-Noto-Sans-Italic",
        "TT-Lato-Bold",
    }


@pytest.mark.parametrize(
    "state",
    [
        SiteValidation.State.SCHEDULED,
        SiteValidation.State.IN_PROGRESS,
        SiteValidation.State.CANCELLED,
    ],
)
def test_there_is_no_report_before_the_validation_is_completed(state):
    validation = make_site_validation(state=state)
    with pytest.raises(DomainError) as refused:
        site_validation_report_render(validation=validation)
    assert refused.value.code == "report_not_available"


def _visit_short_of_two_musts():
    officer = new_officer()
    validation = make_site_validation(state=SiteValidation.State.IN_PROGRESS, officer=officer)
    record_findings(
        validation,
        officer,
        results={"PS-02": Finding.Result.DOES_NOT_MEET, "PS-04": Finding.Result.PARTIALLY_MEETS},
    )
    return validation, officer


def test_an_overridden_outcome_is_printed_with_its_justification():
    validation, officer = _visit_short_of_two_musts()
    validation = services.site_validation_complete(
        validation=validation,
        actor=officer,
        outcome=SiteValidation.Outcome.MEETS,
        override_reason="The gate lock was replaced while we were on site.",
    )

    text = pdf_text(site_validation_report_render(validation=validation))

    assert "Meets requirements" in text
    assert "Kept by the officer against the findings on PS-02, PS-04" in text
    assert "Maintenu par l’agent malgré les constatations sur PS-02, PS-04" in text
    assert "Officer’s justification of the outcome" in text
    assert "The gate lock was replaced while we were on site." in text


def test_an_outcome_that_agrees_with_the_findings_has_no_justification_printed():
    validation = make_site_validation(state=SiteValidation.State.COMPLETED)

    text = pdf_text(site_validation_report_render(validation=validation))

    assert "Meets requirements" in text
    assert "Kept by the officer" not in text and "justification" not in text


def test_a_contradicting_outcome_without_justification_is_never_printed():
    """A record from before the rule (written here the only way left: behind the services'
    back) gets no report until the contradiction is justified."""
    validation, officer = _visit_short_of_two_musts()
    services.site_validation_complete(
        validation=validation, actor=officer, outcome=SiteValidation.Outcome.DOES_NOT_MEET
    )
    SiteValidation.objects.filter(pk=validation.pk).update(outcome=SiteValidation.Outcome.MEETS)

    with pytest.raises(DomainError) as refused:
        site_validation_report_render(validation=validation)

    assert refused.value.code == "outcome_contradicts_findings"
    assert "PS-02, PS-04" in refused.value.message
