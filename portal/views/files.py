"""Downloads of the files the company's users uploaded: for the company's users only (404
for anyone else); a download switches no acting company."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import get_object_or_404

from core.access import AuthenticatedHttpRequest, trader_required
from core.files import stored_file_response
from traders.selectors import evidence_list_for, information_file_list_for
from validations.selectors import action_plan_item_evidence_list_for


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
