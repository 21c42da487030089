from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from revalidation.selectors import membership_term_breaches


class Command(BaseCommand):
    help = (
        "List the memberships whose expiry is more than four years after their last "
        "certification or renewal decision (or the site validation behind it). Changes "
        "nothing: expiry dates are legal facts, a manager decides. Exits with status 1 when "
        "any is found."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        breaches = membership_term_breaches()
        if not breaches:
            self.stdout.write(_("No membership runs more than four years past its last decision."))
            return
        self.stdout.write(
            "\t".join(
                [
                    _("id"),
                    _("member number"),
                    _("company"),
                    _("state"),
                    _("expires on"),
                    _("at most"),
                ]
            )
        )
        for row in breaches:
            self.stdout.write(
                "\t".join(
                    [
                        str(row["pk"]),
                        row["member_number"],
                        row["company_name"],
                        row["state"],
                        row["expires_on"].isoformat(),
                        row["latest_expiry"].isoformat(),
                    ]
                )
            )
        raise CommandError(
            ngettext(
                "%(count)d membership expires later than the four-year rule allows.",
                "%(count)d memberships expire later than the four-year rule allows.",
                len(breaches),
            )
            % {"count": len(breaches)}
        )
