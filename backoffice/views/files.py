"""Downloads of the files traders and officers uploaded: for staff only (404 for anyone
else)."""

from __future__ import annotations

from django.http import FileResponse

from core.access import AuthenticatedHttpRequest
from core.files import stored_file_response
from traders import selectors as trader_selectors
from validations import selectors as validation_selectors

from .base import get_or_404, officers_only


@officers_only
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A trader's evidence file."""
    return stored_file_response(
        get_or_404(trader_selectors.evidence_list_for(user=request.user), pk=pk)
    )


@officers_only
def information_file_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A file a trader attached to an answer to an information request."""
    return stored_file_response(
        get_or_404(trader_selectors.information_file_list_for(user=request.user), pk=pk)
    )


@officers_only
def finding_evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A photo or file an officer attached to a finding."""
    return stored_file_response(
        get_or_404(validation_selectors.finding_evidence_list_for(user=request.user), pk=pk)
    )


@officers_only
def action_plan_evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A file the member attached to an answer on a measure."""
    return stored_file_response(
        get_or_404(
            validation_selectors.action_plan_item_evidence_list_for(user=request.user), pk=pk
        )
    )
