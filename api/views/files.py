"""Documents and stored files as responses: a rendered PDF (``pdf_response``), an
uploaded file sent as it is (``file_response``, ``file_download_action``), and the schema's
responses for both (the file, or an error in the one JSON shape)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from traders import services as trader_services

from ..schema import CONFLICT, ERROR_STATUSES, ErrorSerializer
from .base import path_id


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; the documents themselves are sent
    as they are (an HttpResponse). An error is still sent as JSON, in the one error shape."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


DOCUMENT_RENDERERS = [JSONRenderer, PdfRenderer]
# Errors keep the one JSON shape whatever the client accepts.
PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
    **{
        (int(code), "application/json"): OpenApiResponse(ErrorSerializer, description=str(text))
        for code, text in {**ERROR_STATUSES, **CONFLICT}.items()
    },
}


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class FileNegotiation(BaseContentNegotiation):
    """A stored file is sent as it is, whatever the client accepts; an error is JSON."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))  # the view's renderers: never empty
        return renderer, renderer.media_type


FILE_RESPONSES = {
    **{
        (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")
        for content_type in sorted(set(trader_services.EVIDENCE_CONTENT_TYPES.values()))
    },
    **{
        (int(code), "application/json"): OpenApiResponse(ErrorSerializer, description=str(text))
        for code, text in ERROR_STATUSES.items()
    },
}


def file_response(stored: Any) -> FileResponse:
    """An uploaded file (evidence), as an attachment under its original name."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


_F = TypeVar("_F", bound=Callable[..., Any])


def file_download_action(
    path: str, *, url_name: str, ids: Mapping[str, str], summary: str, description: str
) -> Callable[[_F], _F]:
    """``GET <resource>/{id}/<path>/``: a stored file sent as it is (``file_response``).
    ``path`` names its ids in braces (``items/{item_id}/evidence/{evidence_id}``); ``ids``
    describes each for the schema. One place for the route, the negotiation that lets any
    ``Accept`` through and the schema's file and error responses."""
    url_path = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)

    def decorate(view: _F) -> _F:
        routed = action(
            detail=True,
            methods=["get"],
            url_path=url_path,
            url_name=url_name,
            filter_backends=[],
            content_negotiation_class=FileNegotiation,
        )(view)
        described = extend_schema(
            request=None,
            responses=FILE_RESPONSES,
            parameters=[path_id(name, text) for name, text in ids.items()],
            summary=summary,
            description=description,
        )(routed)
        return cast(_F, described)

    return decorate
