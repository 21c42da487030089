"""Submit is refused until the application is complete, then the profile is frozen
(against the real PIP 2024 catalogue)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.errors import DomainError, Incomplete
from tests.factories import SiteFactory, pdf_upload
from tests.traders.factories import audit_events_for, world
from traders import services
from traders.models import Application, ProfileAnswer, Requirement

pytestmark = pytest.mark.django_db

IMPLEMENTED = ProfileAnswer.Implementation.IMPLEMENTED
NOT_APPLICABLE = ProfileAnswer.Implementation.NOT_APPLICABLE


def _requirements(app: Application) -> list[Requirement]:
    return list(
        Requirement.objects.filter(area__catalogue=app.profile.catalogue).order_by(
            "area__order", "order"
        )
    )


def _answer(app, req, actor, implementation=IMPLEMENTED) -> ProfileAnswer:
    return services.profile_answer_save(
        profile=app.profile,
        requirement=req,
        implementation=implementation,
        description=f"How we meet {req.code}.",
        actor=actor,
    )


def _submit_refused(app, actor) -> list[dict[str, str]]:
    before = world(app)
    with pytest.raises(Incomplete) as refused:
        services.application_submit(application=app, actor=actor, declared=True)
    assert world(app) == before, "a refused submit changes nothing"
    assert refused.value.code == "incomplete"
    return refused.value.missing


def test_empty_draft_lists_sites_and_every_mandatory_requirement(trader, company):
    app = services.application_create(company=company, actor=trader)
    mandatory = [r.code for r in _requirements(app) if r.level == Requirement.Level.MUST]
    assert len(mandatory) > 30, "the PIP 2024 catalogue is loaded"

    missing = _submit_refused(app, trader)

    assert [m["code"] for m in missing] == ["sites", *mandatory]
    assert {m["reason"] for m in missing[1:]} == {"Not answered."}


def test_submit_refused_until_complete_then_profile_frozen(trader, company):
    app = services.application_create(company=company, actor=trader)
    services.application_sites_set(
        application=app, sites=[SiteFactory(company=company)], actor=trader
    )
    requirements = _requirements(app)
    by_code = {r.code: r for r in requirements}
    left_unanswered = "CS-02"  # mandatory, no document needed
    not_applicable = "CS-03"  # mandatory, needs a document unless not applicable
    should_with_document = "CS-04"  # "should": may be skipped, but if answered needs a document
    assert not by_code[left_unanswered].evidence_required and by_code[left_unanswered].is_mandatory
    assert by_code[not_applicable].evidence_required
    assert by_code[should_with_document].evidence_required
    assert not by_code[should_with_document].is_mandatory

    answers = {}
    for req in requirements:
        if req.code == left_unanswered:
            continue
        if not req.is_mandatory and req.code != should_with_document:
            continue  # optional requirements may stay unanswered
        implementation = NOT_APPLICABLE if req.code == not_applicable else IMPLEMENTED
        answers[req.code] = _answer(app, req, trader, implementation)

    missing = _submit_refused(app, trader)

    needs_document = [
        r.code
        for r in requirements
        if r.evidence_required and r.code in answers and r.code != not_applicable
    ]
    expected = sorted(
        [left_unanswered, *needs_document], key=lambda code: requirements.index(by_code[code])
    )
    assert [m["code"] for m in missing] == expected
    assert "sites" not in [m["code"] for m in missing]
    reasons = {m["code"]: m["reason"] for m in missing}
    assert reasons[left_unanswered] == "Not answered."
    assert reasons[should_with_document] == "A supporting document is required."

    answers[left_unanswered] = _answer(app, by_code[left_unanswered], trader)
    for code in needs_document:
        services.evidence_attach(
            answer=answers[code], upload=pdf_upload(f"{code}.pdf"), actor=trader
        )
    submitted = services.application_submit(application=app, actor=trader, declared=True)

    assert submitted.state == Application.State.SUBMITTED
    app.profile.refresh_from_db()
    assert app.profile.submitted_at == submitted.submitted_at is not None
    assert audit_events_for(app)[-1].action == "submit"

    frozen = world(app)
    with pytest.raises(DomainError) as refused:
        _answer(app, by_code["CS-01"], trader, NOT_APPLICABLE)
    assert refused.value.code == "profile_submitted"
    with pytest.raises(DomainError):
        services.evidence_attach(
            answer=answers["CS-01"], upload=pdf_upload("late.pdf"), actor=trader
        )
    with pytest.raises(DomainError):
        services.application_sites_set(application=submitted, sites=[], actor=trader)
    assert world(app) == frozen
    assert answers["CS-01"].evidence.count() == 1


def test_removing_the_last_site_makes_the_application_incomplete_again(trader, company):
    site = SiteFactory(company=company)
    app = services.application_create(company=company, actor=trader, sites=[site])
    for req in _requirements(app):
        answer = _answer(app, req, trader)
        if req.evidence_required:
            services.evidence_attach(answer=answer, upload=pdf_upload(), actor=trader)
    services.application_sites_set(application=app, sites=[], actor=trader)

    missing = _submit_refused(app, trader)

    assert [m["code"] for m in missing] == ["sites"]


def test_a_trader_may_not_list_another_companys_site(trader, company, other_company):
    app = services.application_create(company=company, actor=trader)
    with pytest.raises(ValidationError) as refused:
        services.application_sites_set(
            application=app, sites=[SiteFactory(company=other_company)], actor=trader
        )
    assert "sites" in refused.value.message_dict
    assert not app.sites.exists()


# --- The declaration of a signing authority (issue 14) ---------------------------------


def _ready(company, trader) -> Application:
    from tests.factories import complete_profile

    app = services.application_create(company=company, actor=trader)
    services.application_sites_set(
        application=app, sites=[SiteFactory(company=company)], actor=trader
    )
    complete_profile(app, trader)
    return app


def test_a_contributor_prepares_but_cannot_submit(trader, company):
    from tests.factories import CompanyUserFactory
    from traders.models import CompanyUser

    contributor = CompanyUserFactory(
        company=company, company_role=CompanyUser.CompanyRole.CONTRIBUTOR
    ).user
    app = _ready(company, contributor)  # a contributor answers the whole profile
    before = world(app)
    with pytest.raises(DomainError) as refused:
        services.application_submit(application=app, actor=contributor, declared=True)
    assert refused.value.code == "signing_authority_required"
    assert str(trader) in str(refused.value), "the refusal says who can submit"
    assert refused.value.details["signing_authorities"] == [str(trader)]
    assert world(app) == before


def test_submit_without_the_declaration_is_refused_on_the_declaration(trader, company):
    app = _ready(company, trader)
    before = world(app)
    with pytest.raises(ValidationError) as refused:
        services.application_submit(application=app, actor=trader, declared=False)
    assert "declaration" in refused.value.message_dict
    assert world(app) == before


def test_the_declaration_is_recorded_on_the_application_and_its_audit_event(trader, company):
    app = _ready(company, trader)
    submitted = services.application_submit(application=app, actor=trader, declared=True)
    assert submitted.declared_by == trader
    assert submitted.declared_at == submitted.submitted_at is not None
    assert submitted.declaration_version == "2026-1"
    event = audit_events_for(app)[-1]
    assert (event.action, event.actor) == ("submit", trader)
    assert event.note.startswith("Declaration 2026-1: I declare, as a signing authority of ")
    assert company.legal_name in event.note


def test_progress_counts_only_answered_items(trader, company):
    """An unanswered "should" requirement that needs a document is not counted as done, and
    not counted as required either; once answered it is required, and done with its
    document."""
    from traders.selectors import profile_completeness

    app = services.application_create(company=company, actor=trader)
    requirements = _requirements(app)
    mandatory = [r for r in requirements if r.is_mandatory]
    empty = profile_completeness(profile=app.profile)
    assert (empty["complete"], empty["total"]) == (0, len(mandatory))

    should = next(r for r in requirements if not r.is_mandatory and r.evidence_required)
    answer = _answer(app, should, trader)
    answered = profile_completeness(profile=app.profile)
    assert (answered["complete"], answered["total"]) == (0, len(mandatory) + 1)
    assert should.code in {m["code"] for m in answered["missing"]}
    services.evidence_attach(answer=answer, upload=pdf_upload(), actor=trader)
    done = profile_completeness(profile=app.profile)
    assert (done["complete"], done["total"]) == (1, len(mandatory) + 1)


def test_what_is_missing_gives_each_requirements_text(trader, company):
    app = services.application_create(company=company, actor=trader)
    missing = services.application_missing_items(application=app)
    first = _requirements(app)[0]
    assert missing[0]["title"] == "Sites in scope"
    assert missing[1]["code"] == first.code and missing[1]["title"] == first.text_en
