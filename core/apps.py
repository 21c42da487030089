from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .sql import sqlite_functions_register

        connection_created.connect(sqlite_functions_register, dispatch_uid="core.sql.sqlite")
