from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevalidationConfig(AppConfig):
    name = "revalidation"
    verbose_name = _("Revalidation")
