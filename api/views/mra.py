"""Partner verification: a member's status for a partner administration under a mutual
recognition arrangement."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from traders.selectors import membership_mra_verify

from ..permissions import MraVerifier
from ..schema import ApiAutoSchema
from ..serializers.mra import MraQuerySerializer, MraStatusSerializer
from ..throttling import ScopedRateThrottle
from .base import AUTHENTICATION


class MraVerifyView(APIView):
    """A member's status for a partner administration under a mutual recognition
    arrangement; unknown and not shared are both 404."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated, MraVerifier]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "partner"
    schema = ApiAutoSchema()

    @extend_schema(parameters=[MraQuerySerializer], responses=MraStatusSerializer)
    def get(self, request: Request) -> Response:
        query = MraQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        membership = membership_mra_verify(member_number=query.validated_data["member_number"])
        if membership is None:
            raise exceptions.NotFound()
        return Response(MraStatusSerializer(membership).data)
