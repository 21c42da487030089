import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from tests.factories import pdf_upload
from tests.validations.factories import audit_events, make_site_validation, others
from traders import services as trader_services
from traders.models import Requirement
from validations import services
from validations.models import Finding, FindingEvidence, SiteValidation

pytestmark = pytest.mark.django_db

VS = SiteValidation.State
R = Finding.Result


@pytest.fixture
def validation(company, officer):
    return make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)


@pytest.fixture
def requirement(validation):
    return Requirement.objects.filter(area__catalogue=validation.catalogue).first()


def _stored_files():
    root = settings.MEDIA_ROOT / "findings"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_record_then_correct_a_finding(validation, requirement, officer, manager):
    services.finding_record(
        validation=validation, requirement=requirement, result=R.MEETS, note="", actor=officer
    )
    services.finding_record(
        validation=validation,
        requirement=requirement,
        result=R.PARTIALLY_MEETS,
        note="The gate lock is broken.",
        actor=manager,
    )

    [finding] = Finding.objects.filter(validation=validation)
    assert (finding.result, finding.note, finding.recorded_by) == (
        R.PARTIALLY_MEETS,
        "The gate lock is broken.",
        manager,
    )
    assert [e.actor for e in audit_events(finding)] == [officer, manager]


@pytest.mark.parametrize("result", [R.PARTIALLY_MEETS, R.DOES_NOT_MEET])
def test_a_shortfall_needs_a_note(result, validation, requirement, officer):
    with pytest.raises(ValidationError) as exc:
        services.finding_record(
            validation=validation, requirement=requirement, result=result, note=" ", actor=officer
        )
    assert "note" in exc.value.message_dict
    assert not Finding.objects.exists()


@pytest.mark.parametrize("result", [R.MEETS, R.NOT_APPLICABLE])
def test_no_note_needed_when_met_or_not_applicable(result, validation, requirement, officer):
    finding = services.finding_record(
        validation=validation, requirement=requirement, result=result, note="", actor=officer
    )
    assert finding.result == result


def test_result_must_be_a_choice(validation, requirement, officer):
    with pytest.raises(ValidationError) as exc:
        services.finding_record(
            validation=validation, requirement=requirement, result="great", note="", actor=officer
        )
    assert "result" in exc.value.message_dict


def test_requirement_must_be_in_the_validations_catalogue(validation, officer):
    old = trader_services.catalogue_load(
        data={
            "programme": "PIP",
            "version": "2015",
            "title_en": "PIP MSR 2015",
            "title_fr": "PEP ENMS 2015",
            "effective_from": "2015-01-01",
            "areas": [
                {
                    "code": "A",
                    "name_en": "Physical security",
                    "name_fr": "Sécurité physique",
                    "requirements": [
                        {
                            "code": "A1",
                            "text_en": "Locks on doors.",
                            "text_fr": "Serrures aux portes.",
                            "level": "must",
                            "evidence_required": False,
                            "ctpat_category": "physical_security",
                            "wco_condition": "premises_security",
                        }
                    ],
                }
            ],
        }
    )
    foreign = Requirement.objects.get(area__catalogue=old)

    with pytest.raises(ValidationError) as exc:
        services.finding_record(
            validation=validation, requirement=foreign, result=R.MEETS, note="", actor=officer
        )
    assert "requirement" in exc.value.message_dict


@pytest.mark.parametrize("state", [VS.SCHEDULED, VS.CANCELLED, VS.COMPLETED])
def test_findings_only_while_in_progress(state, company, officer):
    validation = make_site_validation(state=state, company=company, officer=officer)
    requirement = Requirement.objects.filter(area__catalogue=validation.catalogue).last()
    count = Finding.objects.count()

    with pytest.raises(DomainError) as exc:
        services.finding_record(
            validation=validation,
            requirement=requirement,
            result=R.DOES_NOT_MEET,
            note="Changed my mind.",
            actor=officer,
        )

    assert str(VS(state).label) in str(exc.value)
    assert Finding.objects.count() == count


@pytest.mark.parametrize("role", others("officer", "manager"))
def test_record_refused_for_role(role, actors, validation, requirement):
    with pytest.raises(NotPermitted):
        services.finding_record(
            validation=validation,
            requirement=requirement,
            result=R.MEETS,
            note="",
            actor=actors[role],
        )
    assert not Finding.objects.exists()


def test_attach_evidence_to_a_finding(validation, requirement, officer):
    finding = services.finding_record(
        validation=validation,
        requirement=requirement,
        result=R.DOES_NOT_MEET,
        note="No lock on the gate.",
        actor=officer,
    )

    evidence = services.finding_evidence_attach(
        finding=finding, upload=pdf_upload("gate.pdf"), actor=officer
    )

    assert (evidence.original_name, evidence.content_type) == ("gate.pdf", "application/pdf")
    assert evidence.file.read().startswith(b"%PDF-")
    assert "gate" not in evidence.file.name  # stored under a name of our own


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("gate.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        SimpleUploadedFile("gate.exe", b"MZ\x90\x00", "application/octet-stream"),
        SimpleUploadedFile("gate.png", b"", "image/png"),
    ],
    ids=["renamed", "not-allowed", "empty"],
)
def test_bad_evidence_leaves_nothing_behind(upload, validation, requirement, officer):
    finding = services.finding_record(
        validation=validation, requirement=requirement, result=R.MEETS, note="", actor=officer
    )
    files = _stored_files()

    with pytest.raises(ValidationError) as exc:
        services.finding_evidence_attach(finding=finding, upload=upload, actor=officer)

    assert "file" in exc.value.message_dict
    assert not FindingEvidence.objects.exists()
    assert _stored_files() == files


def test_no_evidence_once_the_report_is_completed(company, officer):
    validation = make_site_validation(state=VS.COMPLETED, company=company, officer=officer)
    finding = validation.findings.first()
    files = _stored_files()

    with pytest.raises(TransitionNotAllowed) as exc:
        services.finding_evidence_attach(finding=finding, upload=pdf_upload(), actor=officer)

    assert str(VS.COMPLETED.label) in str(exc.value)
    assert not FindingEvidence.objects.exists()
    assert _stored_files() == files


@pytest.mark.parametrize("role", others("officer", "manager"))
def test_attach_refused_for_role(role, actors, validation, requirement, officer):
    finding = services.finding_record(
        validation=validation, requirement=requirement, result=R.MEETS, note="", actor=officer
    )
    with pytest.raises(NotPermitted):
        services.finding_evidence_attach(finding=finding, upload=pdf_upload(), actor=actors[role])
    assert not FindingEvidence.objects.exists()
