import pytest


@pytest.fixture(autouse=True)
def _isolated_media_root(settings, tmp_path):
    """Uploads go to a fresh folder per test, so a test can tell what it left."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def trader_client(client, trader):
    client.force_login(trader)
    return client
