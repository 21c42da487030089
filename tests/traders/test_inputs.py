"""Invalid input is refused with a clear message on the right field, and leaves nothing
half-written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.dates import agency_today
from core.errors import NotPermitted
from core.models import AuditEvent, Role
from tests.factories import UserFactory, make_application, make_membership, trader_of
from tests.traders.factories import small_catalogue_load, world
from traders import services
from traders.models import (
    Application,
    Company,
    EvidenceFile,
    Membership,
    ProfileAnswer,
    Requirement,
    business_number_validator,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% evidence\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
BUSINESS_NUMBER_MESSAGE = (
    "Enter a business number of 9 digits, optionally followed by a programme account "
    "such as RM0001 (for example 123456789 or 123456789RM0001)."
)


# --- Business numbers ---------------------------------------------------------------------


@pytest.fixture
def newcomer(db):
    """A trader user who has not registered a company yet."""
    return UserFactory(role=Role.TRADER)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("123456789", "123456789"),
        ("123456789RM0001", "123456789RM0001"),
        ("123 456 789 rm0001", "123456789RM0001"),
    ],
)
def test_business_number_accepted(typed, stored, newcomer):
    company = services.company_create(
        actor=newcomer, legal_name="Maple Freight Inc.", business_number=typed
    )
    assert Company.objects.get(pk=company.pk).business_number == stored
    assert company.user_links.get().user == newcomer


@pytest.mark.parametrize(
    "typed", ["12345678", "123456789RM01", "ABCDEFGHI", "1234567890", "123456789RM00012"]
)
def test_business_number_refused(typed, newcomer):
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.company_create(
            actor=newcomer, legal_name="Maple Freight Inc.", business_number=typed
        )

    messages = refused.value.message_dict
    assert list(messages) == ["business_number"]
    assert BUSINESS_NUMBER_MESSAGE in messages["business_number"]
    assert str(business_number_validator.message) == BUSINESS_NUMBER_MESSAGE
    assert not Company.objects.filter(legal_name="Maple Freight Inc.").exists()
    assert AuditEvent.objects.count() == audit_before


def test_business_number_registered_once(newcomer, company):
    with pytest.raises(ValidationError) as refused:
        services.company_create(
            actor=newcomer, legal_name="Copycat Ltd.", business_number=company.business_number
        )
    assert "business_number" in refused.value.message_dict
    assert not Company.objects.filter(legal_name="Copycat Ltd.").exists()


# --- Evidence uploads ---------------------------------------------------------------------


@pytest.fixture
def answer(company) -> ProfileAnswer:
    app = make_application(state=Application.State.DRAFT, company=company)
    return services.profile_answer_save(
        profile=app.profile,
        requirement=Requirement.objects.get(area__catalogue=app.profile.catalogue, code="CS-01"),
        implementation=ProfileAnswer.Implementation.IMPLEMENTED,
        description="Signed statement of support, displayed at reception.",
        actor=trader_of(company),
    )


def _files_under(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def test_valid_evidence_is_stored_under_a_name_of_its_own(answer, settings):
    evidence = services.evidence_attach(
        answer=answer,
        upload=SimpleUploadedFile("Déclaration signée.pdf", PDF, "application/pdf"),
        actor=trader_of(answer.profile.company),
    )

    assert evidence.original_name == "Déclaration signée.pdf"
    assert (evidence.content_type, evidence.size) == ("application/pdf", len(PDF))
    (stored,) = _files_under(settings.MEDIA_ROOT)
    assert stored.read_bytes() == PDF
    assert "Déclaration" not in stored.name
    assert stored.suffix == ".pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "setup.exe",
            b"MZ\x90\x00",
            "Files of this type are not accepted. Upload a PDF, an image (PNG, JPEG, GIF, WebP) "
            "or an office document (Word, Excel, PowerPoint, OpenDocument).",
        ),
        (
            "policy",
            PDF,
            "Files of this type are not accepted. Upload a PDF, an image (PNG, JPEG, GIF, WebP) "
            "or an office document (Word, Excel, PowerPoint, OpenDocument).",
        ),
        ("policy.pdf", b"", "The file is empty."),
        (
            "policy.pdf",
            b"<html><body>not a pdf</body></html>",
            "The file's content is not a .pdf file; it may be damaged or renamed.",
        ),
        (
            "gate.png",
            PDF,
            "The file's content is not a .png file; it may be damaged or renamed.",
        ),
        (
            "gate.jpg",
            PNG,
            "The file's content is not a .jpg file; it may be damaged or renamed.",
        ),
    ],
    ids=["executable", "no-extension", "empty", "html-as-pdf", "pdf-as-png", "png-as-jpg"],
)
def test_evidence_refused(name, content, message, answer, settings):
    before = world(answer.profile)

    with pytest.raises(ValidationError) as refused:
        services.evidence_attach(
            answer=answer,
            upload=SimpleUploadedFile(name, content),
            actor=trader_of(answer.profile.company),
        )

    assert refused.value.message_dict == {"file": [message]}
    assert not EvidenceFile.objects.exists()
    assert _files_under(settings.MEDIA_ROOT) == []
    assert world(answer.profile) == before


def test_evidence_over_the_size_limit_refused(answer, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    trader = trader_of(answer.profile.company)

    with pytest.raises(ValidationError) as refused:
        services.evidence_attach(
            answer=answer,
            upload=SimpleUploadedFile("big.pdf", PDF + b"\x00" * (1025 - len(PDF))),
            actor=trader,
        )
    assert list(refused.value.message_dict) == ["file"]
    assert refused.value.message_dict["file"][0].startswith("The file is too large")
    assert not EvidenceFile.objects.exists()
    assert _files_under(settings.MEDIA_ROOT) == []

    at_limit = PDF + b"\x00" * (1024 - len(PDF))
    services.evidence_attach(
        answer=answer, upload=SimpleUploadedFile("just-fits.pdf", at_limit), actor=trader
    )
    assert EvidenceFile.objects.get().size == 1024


def test_size_message_states_the_limit_that_is_applied(answer, settings):
    """An operator sets EVIDENCE_MAX_BYTES=5000000 (5 MB in decimal units, 4.77 MiB): the
    message must not claim a 4 MB limit when 4.5 MB files are accepted."""
    settings.EVIDENCE_MAX_BYTES = 5_000_000
    trader = trader_of(answer.profile.company)
    accepted = services.evidence_attach(
        answer=answer,
        upload=SimpleUploadedFile("scan.pdf", PDF + b"\x00" * (4_718_592 - len(PDF))),
        actor=trader,
    )
    assert accepted.size == 4_718_592  # 4.5 MB

    with pytest.raises(ValidationError) as refused:
        services.evidence_attach(
            answer=answer,
            upload=SimpleUploadedFile("bigger.pdf", PDF + b"\x00" * (5_000_001 - len(PDF))),
            actor=trader,
        )
    (message,) = refused.value.message_dict["file"]
    stated = re.search(r"the limit is ([\d.]+) MB", message)
    assert stated, message
    assert abs(float(stated.group(1)) - 5_000_000 / 1_048_576) < 0.1, message


def test_evidence_only_by_the_companys_own_traders(answer, other_trader, officer):
    for actor in (other_trader, officer):
        with pytest.raises(NotPermitted):
            services.evidence_attach(
                answer=answer, upload=SimpleUploadedFile("a.pdf", PDF), actor=actor
            )
    assert not EvidenceFile.objects.exists()


# --- Information requests -----------------------------------------------------------------


@pytest.mark.parametrize("days", [-1, 0], ids=["yesterday", "today"])
def test_information_request_deadline_must_be_after_today(days, company, officer):
    app = make_application(state=Application.State.UNDER_REVIEW, company=company, officer=officer)
    before = world(app)

    with pytest.raises(ValidationError) as refused:
        services.application_request_info(
            application=app,
            actor=officer,
            message="Send your fleet list.",
            deadline=agency_today() + dt.timedelta(days=days),
        )

    assert refused.value.message_dict == {"deadline": ["The deadline must be a date after today."]}
    assert world(app) == before


def test_information_request_deadline_is_judged_in_ottawa(company, officer, time_machine):
    """At 03:00 UTC on 10 March it is still 9 March in Ottawa: a deadline of 10 March is
    tomorrow there, and is accepted."""
    app = make_application(state=Application.State.UNDER_REVIEW, company=company, officer=officer)
    time_machine.move_to(dt.datetime(2027, 3, 10, 3, 0, tzinfo=dt.UTC), tick=False)

    app = services.application_request_info(
        application=app,
        actor=officer,
        message="Send your fleet list.",
        deadline=dt.date(2027, 3, 10),
    )

    assert app.state == Application.State.INFO_REQUESTED
    assert app.information_requests.get().deadline == dt.date(2027, 3, 10)


def test_information_request_needs_a_message(company, officer):
    app = make_application(state=Application.State.UNDER_REVIEW, company=company, officer=officer)
    before = world(app)
    with pytest.raises(ValidationError) as refused:
        services.application_request_info(
            application=app, actor=officer, message="  ", deadline=agency_today() + dt.timedelta(7)
        )
    assert list(refused.value.message_dict) == ["message"]
    assert world(app) == before


# --- Decisions need reasons ---------------------------------------------------------------


@pytest.mark.parametrize("reasons", ["", "   \n"], ids=["empty", "blank"])
def test_ineligible_needs_reasons(reasons, company, officer):
    app = make_application(state=Application.State.UNDER_REVIEW, company=company, officer=officer)
    before = world(app)

    with pytest.raises(ValidationError) as refused:
        services.application_mark_ineligible(application=app, actor=officer, reasons=reasons)

    assert refused.value.message_dict == {
        "reasons": ["Give the reasons the applicant is ineligible."]
    }
    assert world(app) == before


@pytest.mark.parametrize("reasons", ["", "   \n"], ids=["empty", "blank"])
def test_denial_needs_reasons(reasons, company, manager):
    app = make_application(state=Application.State.VALIDATED, company=company, manager=manager)
    before = world(app)

    with pytest.raises(ValidationError) as refused:
        services.application_deny(application=app, actor=manager, reasons=reasons)

    assert refused.value.message_dict == {"reasons": ["Give the reasons for the denial."]}
    assert world(app) == before


def test_reasons_are_stored_without_surrounding_blanks(company, manager):
    app = make_application(state=Application.State.VALIDATED, company=company, manager=manager)
    app = services.application_deny(application=app, actor=manager, reasons="  Fails PS-02.\n")
    assert app.decision_reason == "Fails PS-02."


@pytest.mark.parametrize(
    "call",
    [
        lambda m, manager: services.membership_suspend(membership=m, actor=manager, reason=""),
        lambda m, manager: services.membership_cancel(membership=m, actor=manager, reason=" "),
    ],
    ids=["suspend", "cancel"],
)
def test_membership_decisions_need_a_reason(call, company, manager):
    small_catalogue_load()
    membership = make_membership(company=company, manager=manager)
    before = world(membership)
    with pytest.raises(ValidationError) as refused:
        call(membership, manager)
    assert list(refused.value.message_dict) == ["reason"]
    assert Membership.objects.get(pk=membership.pk).state == Membership.State.ACTIVE
    assert world(membership) == before
