from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Development only: installed by the local and test settings, never by production."""

    name = "demo"
    verbose_name = _("Demo data")
