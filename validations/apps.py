from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValidationsConfig(AppConfig):
    name = "validations"
    verbose_name = _("Site validations")
