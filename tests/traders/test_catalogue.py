"""Catalogue versions: an application is assessed against the version in force when it was
submitted; a new version does not rewrite old answers."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from core.dates import agency_today
from core.errors import Incomplete
from tests.factories import complete_profile, make_application, trader_of
from tests.traders.factories import audit_events_for
from traders import services
from traders.models import (
    Application,
    CatalogueVersion,
    EvidenceFile,
    ProfileAnswer,
    Requirement,
    SecurityProfile,
)
from traders.selectors import catalogue_current

pytestmark = pytest.mark.django_db

NEW_CODE = "CS-15"


def _req(code: str, *, evidence: bool = False, level: str = "must") -> dict[str, Any]:
    return {
        "code": code,
        "text_en": f"2026 wording of {code}.",
        "text_fr": f"Libellé 2026 de {code}.",
        "level": level,
        "evidence_required": evidence,
        "ctpat_category": "security_vision",
        "wco_condition": "measurement_improvement",
    }


def _version_2026(*codes: tuple[str, bool]) -> dict[str, Any]:
    # In force for a month already, and after the 2024 version.
    effective = max(agency_today() - dt.timedelta(days=30), dt.date(2024, 1, 2))
    return {
        "programme": "PIP",
        "version": "2026",
        "effective_from": effective.isoformat(),
        "title_en": "Partners in Protection Minimum Security Requirements (2026)",
        "title_fr": "Exigences minimales de sécurité PEP (2026)",
        "areas": [
            {
                "code": "CS",
                "name_en": "Corporate security",
                "name_fr": "Sécurité de l'entreprise",
                "requirements": [_req(code, evidence=evidence) for code, evidence in codes],
            },
            {
                "code": "PS",
                "name_en": "Physical security",
                "name_fr": "Sécurité physique",
                "requirements": [_req("PS-01")],
            },
        ],
    }


WITH_NEW_REQUIREMENT = (("CS-01", True), ("CS-02", False), (NEW_CODE, False))
ONLY_KNOWN_CODES = (("CS-01", True), ("CS-02", False))


def _answers(profile: SecurityProfile) -> dict[str, tuple[str, str, list[str]]]:
    return {
        a.requirement.code: (
            a.implementation,
            a.description,
            sorted(e.original_name for e in a.evidence.all()),
        )
        for a in profile.answers.select_related("requirement").prefetch_related("evidence")
    }


def test_loading_the_same_version_twice_does_not_duplicate_or_rewrite_it():
    data = _version_2026(*WITH_NEW_REQUIREMENT)
    first = services.catalogue_load(data=data)
    changed = copy.deepcopy(data)
    changed["areas"][0]["requirements"][0]["text_en"] = "Rewritten."

    second = services.catalogue_load(data=changed)

    assert second.pk == first.pk
    assert CatalogueVersion.objects.filter(programme="PIP", version="2026").count() == 1
    requirements = Requirement.objects.filter(area__catalogue=first)
    assert sorted(requirements.values_list("code", flat=True)) == [
        "CS-01",
        "CS-02",
        NEW_CODE,
        "PS-01",
    ]
    assert requirements.get(code="CS-01").text_en == "2026 wording of CS-01."


def test_the_new_version_is_in_force_for_new_applications(trader, company):
    old = catalogue_current()
    assert old.version == "2024"
    new = services.catalogue_load(data=_version_2026(*WITH_NEW_REQUIREMENT))

    assert catalogue_current() == new
    app = services.application_create(company=company, actor=trader)
    assert app.profile.catalogue == new


def test_submitted_application_keeps_its_catalogue_and_answers(company, officer):
    app = make_application(state=Application.State.SUBMITTED, company=company, officer=officer)
    catalogue_2024 = app.profile.catalogue
    answers_before = list(app.profile.answers.order_by("id").values())
    evidence_before = list(EvidenceFile.objects.filter(answer__profile=app.profile).values())

    services.catalogue_load(data=_version_2026(*WITH_NEW_REQUIREMENT))
    app = services.application_start_review(application=app, actor=officer)
    app = services.application_mark_eligible(application=app, actor=officer)

    app.profile.refresh_from_db()
    assert app.profile.catalogue == catalogue_2024
    assert list(app.profile.answers.order_by("id").values()) == answers_before
    assert list(EvidenceFile.objects.filter(answer__profile=app.profile).values()) == (
        evidence_before
    )


def test_draft_submitted_after_a_new_version_is_moved_onto_it(company):
    """Answers carry over by code, so only the new requirement is reported missing, and the
    draft is left on the new version, where the trader can answer it."""
    app = make_application(state=Application.State.DRAFT, company=company)
    trader = trader_of(company)
    complete_profile(app, trader)
    old_answers = _answers(app.profile)
    new = services.catalogue_load(data=_version_2026(*WITH_NEW_REQUIREMENT))

    with pytest.raises(Incomplete) as refused:
        services.application_submit(application=app, actor=trader, declared=True)

    assert [(m["code"], m["reason"]) for m in refused.value.missing] == [
        (NEW_CODE, "Not answered.")
    ]
    app.refresh_from_db()
    assert app.state == Application.State.DRAFT
    assert "submit" not in [e.action for e in audit_events_for(app)]
    profile = SecurityProfile.objects.get(pk=app.profile_id)
    assert profile.submitted_at is None
    assert profile.catalogue == new
    answers = _answers(profile)
    assert set(answers) == {"CS-01", "CS-02", "PS-01"}
    assert all(answers[code] == old_answers[code] for code in answers)


def test_trader_answers_the_new_requirement_and_submits_on_the_new_version(company):
    app = make_application(state=Application.State.DRAFT, company=company)
    trader = trader_of(company)
    complete_profile(app, trader)
    old_answers = _answers(app.profile)
    new = services.catalogue_load(data=_version_2026(*WITH_NEW_REQUIREMENT))
    with pytest.raises(Incomplete):
        services.application_submit(application=app, actor=trader, declared=True)

    # The refused submit said the new requirement is missing: the trader answers it (the
    # profile must now be on the 2026 version for that) and submits again.
    services.profile_answer_save(
        profile=SecurityProfile.objects.get(pk=app.profile_id),
        requirement=Requirement.objects.get(area__catalogue=new, code=NEW_CODE),
        implementation=ProfileAnswer.Implementation.IMPLEMENTED,
        description="Our new cyber-incident plan.",
        actor=trader,
    )
    submitted = services.application_submit(application=app, actor=trader, declared=True)

    assert submitted.state == Application.State.SUBMITTED
    profile = SecurityProfile.objects.get(pk=app.profile_id)
    assert profile.catalogue == new
    answers = _answers(profile)
    assert set(answers) == {"CS-01", "CS-02", NEW_CODE, "PS-01"}
    for code in ("CS-01", "CS-02", "PS-01"):
        assert answers[code] == old_answers[code]


def test_draft_complete_for_the_new_version_is_submitted_on_it(company):
    app = make_application(state=Application.State.DRAFT, company=company)
    trader = trader_of(company)
    complete_profile(app, trader)
    old_answers = _answers(app.profile)
    profiles_before = SecurityProfile.objects.filter(company=company).count()
    new = services.catalogue_load(data=_version_2026(*ONLY_KNOWN_CODES))

    submitted = services.application_submit(application=app, actor=trader, declared=True)

    assert submitted.state == Application.State.SUBMITTED
    profile = SecurityProfile.objects.get(pk=app.profile_id)
    assert profile.catalogue == new
    assert profile.submitted_at == submitted.submitted_at
    assert not profile.answers.exclude(requirement__area__catalogue=new).exists()
    answers = _answers(profile)
    assert set(answers) == {"CS-01", "CS-02", "PS-01"}
    for code in answers:
        assert answers[code] == old_answers[code]
    assert answers["CS-01"][2] == ["CS-01.pdf"], "the document comes along"
    stored = EvidenceFile.objects.get(answer__profile=profile)
    assert stored.file.storage.exists(stored.file.name)
    assert SecurityProfile.objects.filter(company=company).count() == profiles_before
