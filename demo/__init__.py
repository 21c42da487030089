"""Demo data for the portal and the back office: ``manage.py seed_demo``. A development app:
the local and test settings install it and allow it (``DEMO_DATA_ALLOWED``), production
does neither.

Builds companies in every state of every lifecycle, quickly enough for 100,000 companies:
the objects are built in memory and written with ``bulk_create``, a batch of companies per
transaction. The lifecycle services are bypassed on purpose (they lock, check and audit one
object at a time); instead this module writes the audit events those services would have
written, with plausible actors and times, so that every timeline reads as if the work had
been done through the application. Member numbers and application references are reserved
from :mod:`core.identifiers`, so numbers issued later by the services follow on.

Rules the data keeps: active memberships expire in the future and ``expires_on`` is
``certified_on`` plus four years (once renewed, four years from the renewal's site
validation); a membership within 180 days of its
expiry has a revalidation in progress; open action plans are due in the future unless marked
overdue; every object's last audit event leads to its current state. The scheduler's first
sweep still has work, as it would on real data: it escalates overdue plans past their grace
period, asks for the yearly profile confirmations (the seed sets no ``confirmed_on``) and
announces recent lapses.

Files: every evidence row points to one shared sample PDF. The companies with full profiles
(``full_profiles``, the first ones) also get files of their own on answered information
requests (a PDF) and on the first measure of each answered action plan (a PNG), generated in
memory and stored through the storage API under each company's folder, as an upload is;
a 100,000-company seed therefore writes a few hundred files, not one per company.

Everything is fictional: ``.example`` e-mail domains (RFC 2606), 555-01xx telephone numbers.
Demo data only: the demo users share a published password.

The entry points are :func:`demo.services.demo_seed` and, in :mod:`demo.selectors`,
``demo_is_seeded`` and ``demo_credentials``. The modules below build the data one part of the
story each (``companies``, ``applications``, ``memberships``, ``cycles``, ``monitoring``,
``visits``, ``profiles``, ``accounts``) from ``catalogue``'s names and texts, ``scenarios``'
states and weights and ``files``' in-memory files; ``seeder`` runs the batches and writes them.
This module imports nothing, so that the app loads before the models.
"""
