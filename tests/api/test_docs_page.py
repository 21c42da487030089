"""The API's Swagger UI loads its files from this server, never from a CDN."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_swagger_ui_assets_are_served_locally(client, officer):
    client.force_login(officer)
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page)
    assert external == []
    assert "/static/drf_spectacular_sidecar/" in page
