"""Downloads of the files the company's users uploaded: for the company's users only (404
for anyone else); a download switches no acting company."""

from __future__ import annotations

from django.http import FileResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect

from core.access import AuthenticatedHttpRequest, trader_required
from core.files import content_attachment, file_attachment, stored_file_response
from core.pages import run_service
from notifications.selectors import letter_list_for
from notifications.services import letter_file_ensure
from traders.selectors import evidence_list_for, information_file_list_for
from validations.models import SiteValidation
from validations.selectors import action_plan_item_evidence_list_for, site_validation_list_for


@trader_required
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A document attached to an answer of the security profile."""
    return stored_file_response(get_object_or_404(evidence_list_for(user=request.user), pk=pk))


@trader_required
def information_file_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A file attached to an answer to an information request."""
    return stored_file_response(
        get_object_or_404(information_file_list_for(user=request.user), pk=pk)
    )


@trader_required
def action_plan_evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A file the member attached to an answer on a corrective measure."""
    return stored_file_response(
        get_object_or_404(action_plan_item_evidence_list_for(user=request.user), pk=pk)
    )


@trader_required
def site_validation_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The Site Validation Report of a completed visit of the company (not a spot check
    before it starts: the scoped selector hides those)."""
    from validations.documents import (  # WeasyPrint only when needed
        site_validation_report_filename,
        site_validation_report_render,
    )

    validation = get_object_or_404(
        site_validation_list_for(user=request.user).filter(state=SiteValidation.State.COMPLETED),
        pk=pk,
    )
    outcome = run_service(
        lambda: site_validation_report_render(validation=validation), request=request
    )
    if not outcome.ok:
        return redirect("portal:home")
    return content_attachment(
        outcome.result,
        filename=site_validation_report_filename(validation=validation),
        content_type="application/pdf",
    )


@trader_required
def decision_letter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """A decision letter of the company (rendered on the first download if the e-mail has
    not gone out yet)."""
    letter = letter_file_ensure(letter=get_object_or_404(letter_list_for(user=request.user), pk=pk))
    return file_attachment(letter.file, filename=letter.filename, content_type="application/pdf")
