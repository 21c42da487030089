"""Answering an information request with text and files: the files are checked as evidence
is, saved with the text or not at all, and served only to the company's users and staff."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import CompanyUserFactory, make_application, pdf_upload, trader_of
from traders import services as trader_services
from traders.models import Application, InformationAnswerFile, InformationRequest

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _html(response) -> str:
    return response.content.decode()


def _stored(root: Path, folder: str = "information") -> list[Path]:
    base = Path(root) / folder
    return [p for p in base.rglob("*") if p.is_file()] if base.exists() else []


@pytest.fixture
def asked(company, officer):
    """An application of ``company`` waiting for the answer to an information request."""
    app = make_application(state=Application.State.INFO_REQUESTED, company=company, officer=officer)
    return app, app.information_requests.get()


def _url(app, info) -> str:
    return f"/en/portal/applications/{app.pk}/requests/{info.pk}/"


def test_answer_with_several_files_then_download_them(client, asked, settings):
    app, info = asked
    client.force_login(trader_of(app.company))
    page = _html(client.get(_url(app, info)))
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page and "multiple" in page
    response = client.post(
        _url(app, info),
        {
            "response": "The fleet list and a photo of the yard.",
            "files": [
                pdf_upload("fleet list.pdf"),
                SimpleUploadedFile("yard.png", PNG, "image/png"),
            ],
        },
    )
    assert response["Location"] == f"/en/portal/applications/{app.pk}/"
    info.refresh_from_db()
    app.refresh_from_db()
    assert app.state == Application.State.UNDER_REVIEW
    assert info.response == "The fleet list and a photo of the yard." and not info.is_open
    files = list(info.files.order_by("original_name"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("fleet list.pdf", "application/pdf"),
        ("yard.png", "image/png"),
    ]
    # Stored outside the web root under a random name, in the company's folder.
    for attached in files:
        assert attached.file.name.startswith(f"information/{app.company_id}/")
        assert attached.original_name not in attached.file.name
        assert (Path(settings.MEDIA_ROOT) / attached.file.name).is_file()
    # The application page and the request page link to the files; they download.
    for html in (
        _html(client.get(f"/en/portal/applications/{app.pk}/")),
        _html(client.get(_url(app, info))),
    ):
        for attached in files:
            assert f"/en/portal/answer-files/{attached.pk}/" in html
            assert attached.original_name in html
    download = client.get(f"/en/portal/answer-files/{files[0].pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="fleet list.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_colleague_downloads_the_file_and_another_company_gets_404(
    client, asked, other_trader, officer
):
    app, info = asked
    trader_services.application_answer_info(
        application=app,
        actor=trader_of(app.company),
        response="Attached.",
        uploads=[pdf_upload("fleet.pdf")],
    )
    attached = InformationAnswerFile.objects.get()
    url = f"/en/portal/answer-files/{attached.pk}/"
    colleague = CompanyUserFactory(company=app.company, company_role="contributor").user
    client.force_login(colleague)
    assert client.get(url).status_code == 200
    client.force_login(other_trader)
    assert client.get(url).status_code == 404
    assert client.get(_url(app, info)).status_code == 404
    # Staff use their own page: 404 in the portal, the file from the back office.
    client.force_login(officer)
    assert client.get(url).status_code == 404
    review = _html(client.get(f"/en/staff/applications/{app.pk}/"))
    assert f"/en/staff/answer-files/{attached.pk}/" in review and "fleet.pdf" in review
    staff_download = client.get(f"/en/staff/answer-files/{attached.pk}/")
    assert staff_download.status_code == 200
    assert b"".join(staff_download.streaming_content).startswith(b"%PDF-")
    client.force_login(other_trader)
    assert client.get(f"/en/staff/answer-files/{attached.pk}/").status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith("/en/sign-in/")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notes.exe", b"MZ\x90\x00", "application/octet-stream"),
            "not accepted",
        ),
        (SimpleUploadedFile("renamed.pdf", PNG, "application/pdf"), "not a .pdf file"),
        (SimpleUploadedFile("empty.pdf", b"", "application/pdf"), "empty"),
    ],
    ids=["extension", "content", "empty"],
)
def test_a_refused_file_leaves_nothing_saved(client, asked, settings, upload, message):
    app, info = asked
    client.force_login(trader_of(app.company))
    response = client.post(
        _url(app, info),
        {"response": "Here it is.", "files": [pdf_upload("good.pdf"), upload]},
    )
    assert response.status_code == 200
    html = _html(response)
    assert 'id="id_files_error"' in html and message in html
    info.refresh_from_db()
    app.refresh_from_db()
    assert info.is_open and info.response == ""
    assert app.state == Application.State.INFO_REQUESTED
    assert not InformationAnswerFile.objects.exists()
    assert _stored(settings.MEDIA_ROOT) == []


def test_a_file_over_the_size_limit_is_refused(client, asked, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    app, info = asked
    client.force_login(trader_of(app.company))
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048, "application/pdf")
    html = _html(client.post(_url(app, info), {"response": "Here.", "files": [big]}))
    assert 'id="id_files_error"' in html and "too large" in html
    assert not InformationAnswerFile.objects.exists()
    assert InformationRequest.objects.get(pk=info.pk).is_open


def test_a_failure_after_the_files_are_written_removes_them(asked, settings, monkeypatch):
    """The answer's text, the state and the files go together: when the database refuses
    the second file's row, the first file's row is rolled back and both files are deleted."""
    app, info = asked
    saved = []
    original_save = InformationAnswerFile.save

    def save_then_fail(self, *args, **kwargs):
        saved.append(self.file.name)
        if len(saved) == 2:
            raise RuntimeError("database went away")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(InformationAnswerFile, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        trader_services.application_answer_info(
            application=app,
            actor=trader_of(app.company),
            response="Two files.",
            uploads=[pdf_upload("a.pdf"), pdf_upload("b.pdf")],
        )
    assert len(saved) == 2
    assert _stored(settings.MEDIA_ROOT) == []
    assert not InformationAnswerFile.objects.exists()
    info.refresh_from_db()
    assert info.is_open
    assert Application.objects.get(pk=app.pk).state == Application.State.INFO_REQUESTED


def test_text_only_answer_still_works_and_too_many_files_are_refused(client, asked):
    app, info = asked
    client.force_login(trader_of(app.company))
    too_many = [pdf_upload(f"f{n}.pdf") for n in range(trader_services.INFORMATION_FILES_MAX + 1)]
    html = _html(client.post(_url(app, info), {"response": "Lots.", "files": too_many}))
    assert 'id="id_files_error"' in html and "at most" in html
    assert not InformationAnswerFile.objects.exists()
    response = client.post(_url(app, info), {"response": "No file needed."})
    assert response.status_code == 302
    info.refresh_from_db()
    assert info.response == "No file needed." and not info.files.exists()
