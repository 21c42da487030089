import pytest


@pytest.fixture(autouse=True)
def _isolated_media_root(settings, tmp_path):
    """Uploaded evidence goes to a fresh folder per test, so a test can tell what it left."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
