"""Documents and stored files in the API: the routes and negotiation of file downloads
(``file_download_action``) and the schema's responses (the file, or an error in the one JSON
shape). The responses themselves are the pages' (``core.files``: attachment, no-store,
nosniff)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

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


_F = TypeVar("_F", bound=Callable[..., Any])


def file_download_action(
    path: str, *, url_name: str, ids: Mapping[str, str], summary: str, description: str
) -> Callable[[_F], _F]:
    """``GET <resource>/{id}/<path>/``: a stored file sent as it is
    (``core.files.stored_file_response``).
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
