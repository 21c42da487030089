"""A stored file is sent the same way on every page (core.files): as an attachment under
its original name, kept by no cache, and never reinterpreted by the browser."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_application, trader_of
from traders.models import Application, EvidenceFile

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(officer) -> EvidenceFile:
    application = make_application(state=Application.State.UNDER_REVIEW, officer=officer)
    return EvidenceFile.objects.filter(answer__profile=application.profile).first()


def _assert_private_attachment(response, evidence: EvidenceFile) -> None:
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="{evidence.original_name}"'
    assert response["Content-Type"] == evidence.content_type
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_portal_download(client: Client, evidence: EvidenceFile) -> None:
    client.force_login(trader_of(evidence.answer.profile.company))
    response = client.get(reverse("portal:evidence", args=[evidence.pk]))
    _assert_private_attachment(response, evidence)


def test_a_back_office_download(client: Client, officer, evidence: EvidenceFile) -> None:
    client.force_login(officer)
    response = client.get(reverse("backoffice:evidence", args=[evidence.pk]))
    _assert_private_attachment(response, evidence)


def test_a_file_the_storage_lost_is_a_404(client: Client, officer, evidence) -> None:
    evidence.file.delete(save=False)
    client.force_login(officer)
    assert client.get(reverse("backoffice:evidence", args=[evidence.pk])).status_code == 404
