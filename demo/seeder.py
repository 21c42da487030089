"""The seeder: batches of companies built in memory (the builders, one module per part of the
story, each on top of those it calls) and written in bulk, with COPY on PostgreSQL."""

from __future__ import annotations

import operator
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from core.identifiers import application_reference_format, identifier_reserve, member_number_format
from core.models import AuditEvent, StoredFile, User
from core.roles import SYSTEM
from demo.accounts import DEMO_PASSWORD, AccountBuilder
from demo.base import Batch, SeedReport
from demo.companies import CompanyBuilder
from demo.files import SAMPLE_EVIDENCE, SAMPLE_EVIDENCE_NAME
from revalidation.models import RevalidationCycle
from traders.models import (
    Application,
    BusinessType,
    ChangeNotice,
    Company,
    CompanyCopy,
    CompanyUser,
    EvidenceFile,
    InformationAnswerFile,
    InformationRequest,
    Membership,
    ProfileAnswer,
    Programme,
    Requirement,
    SecurityProfile,
    Site,
    business_types_key,
)
from traders.reporting import company_copies_write
from traders.selectors import catalogue_current
from validations.models import (
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    Finding,
    Incident,
    SiteValidation,
)

INSERT_CHUNK = 1000
_TIMESTAMPED = (
    User,
    Company,
    CompanyUser,
    Site,
    SecurityProfile,
    ProfileAnswer,
    EvidenceFile,
    Application,
    InformationRequest,
    InformationAnswerFile,
    Membership,
    ChangeNotice,
    Incident,
    SiteValidation,
    Finding,
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    RevalidationCycle,
)
_AUDIT_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_role",
    "content_type_id",
    "object_id",
    "object_repr",
    "company_id",
    "action",
    "from_state",
    "to_state",
    "note",
    "company_business_types",
    "company_country",
    "company_province",
)
# Insert order: a model after every model it points to.
_INSERT_ORDER = (
    User,
    Company,
    CompanyUser,
    Site,
    SecurityProfile,
    ProfileAnswer,
    EvidenceFile,
    Application,
    InformationRequest,
    InformationAnswerFile,
    Membership,
    ChangeNotice,
    Incident,
    SiteValidation,
    Finding,
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    RevalidationCycle,
)


@contextmanager
def _timestamps_as_given() -> Iterator[None]:
    """Let bulk_create keep the created/updated times the seeder sets (a 2023 application
    was created in 2023), instead of auto_now(_add) stamping them all with today."""
    saved: list[tuple[models.DateField[Any, Any] | models.TimeField[Any, Any], bool, bool]] = []
    for model in _TIMESTAMPED:
        for f in model._meta.concrete_fields:
            # auto_now(_add) are the date, date-time and time fields' own options.
            if not isinstance(f, models.DateField | models.TimeField):
                continue
            if f.auto_now or f.auto_now_add:
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _column(f: models.Field[Any, Any]) -> str:
    """A concrete field's column (only fields that are not concrete have none)."""
    assert f.column is not None, f"{f} has no column"
    return f.column


class Seeder(CompanyBuilder, AccountBuilder):
    """Every builder, the batches and the bulk writer."""

    def run(self, *, companies: int) -> SeedReport:
        started = time.monotonic()
        self.catalogue = catalogue_current(programme=Programme.PIP)
        self.requirements = list(
            Requirement.objects.filter(area__catalogue=self.catalogue)
            .select_related("area")
            .order_by("area__order", "order")
        )
        self.req_by_area = defaultdict(list)
        for req in self.requirements:
            self.req_by_area[req.area.code].append(req)
        self.business_types = {bt.code: bt for bt in BusinessType.objects.all()}
        self.content_types = {
            model: ContentType.objects.get_for_model(model).pk
            for model in (
                Company,
                Application,
                Membership,
                SiteValidation,
                ActionPlan,
                Incident,
                ChangeNotice,
                RevalidationCycle,
            )
        }
        self.password = make_password(DEMO_PASSWORD)
        self.used_numbers = {
            bn[:9] for bn in Company.objects.values_list("business_number", flat=True)
        }
        self.used_emails = set(User.objects.values_list("email", flat=True))
        self._prepare_weights()
        if not default_storage.exists(SAMPLE_EVIDENCE_NAME):
            default_storage.save(SAMPLE_EVIDENCE_NAME, ContentFile(SAMPLE_EVIDENCE))

        done = 0
        first = True
        with _timestamps_as_given():
            while first or done < companies:
                size = min(self.batch_size, companies - done)
                with transaction.atomic():
                    self.batch = Batch()
                    demo_company = False
                    if first:
                        demo_company = self._staff_and_demo_users() and size > 0
                    for i in range(size):
                        self._company(done + i, demo=demo_company and i == 0)
                    rows = self._flush()
                done += size
                first = False
                self.say(
                    f"  {done:,}/{companies:,} companies, {rows:,} rows in this batch, "
                    f"{time.monotonic() - started:.1f} s"
                )
        self.report.companies = done
        self.report.seconds = time.monotonic() - started
        return self.report

    # --- writing ------------------------------------------------------------------------

    def _flush(self) -> int:
        stored: list[StoredFile] = []
        try:
            rows = self._flush_rows(stored)
            # The copies of each company's business types and place on its applications and
            # memberships (traders.reporting: written in bulk, the rows have none yet).
            company_copies_write(company_ids=[c.pk for c in self.batch.rows.get(Company, ())])
            return rows
        except BaseException:
            for obj in stored:  # the batch is rolled back: no file left without its row
                obj.file.delete(save=False)
            raise

    def _store_uploads(self, model: type[models.Model], stored: list[StoredFile]) -> None:
        """Write the batch's files of ``model`` through its storage (``upload_to`` names the
        company's folder: the rows they hang from are written and have their ids)."""
        for obj, name, content in self.batch.uploads:
            if type(obj) is model:
                obj.file.save(name, ContentFile(content), save=False)
                stored.append(obj)

    def _flush_rows(self, stored: list[StoredFile]) -> int:
        b = self.batch
        self._identifiers(b)
        rows = 0
        for model in _INSERT_ORDER:
            objs = [o for o in b.rows.get(model, ()) if o.pk is None]
            if objs:
                if issubclass(model, StoredFile):
                    self._store_uploads(model, stored)
                self._write_objects(model, objs)
                self._count(model, len(objs))
                rows += len(objs)
        by_through: dict[Any, list[tuple[int, int]]] = defaultdict(list)
        columns: dict[Any, tuple[str, str]] = {}
        for through, left, right, a, c in b.links:
            by_through[through].append((a.pk, c.pk))
            columns[through] = (left, right)
        for through, pairs in by_through.items():
            self._write_rows(through, columns[through], pairs)
            self._count(through, len(pairs))
            rows += len(pairs)
        reprs: dict[int, str] = {}
        # Each company's business types, as the events record them (business_types_key).
        company_types: dict[int, set[int]] = defaultdict(set)
        for through, _left, _right, a, c in b.links:
            if through is Company.business_types.through:
                company_types[a.pk].add(c.pk)
        type_keys = {pk: business_types_key(ids) for pk, ids in company_types.items()}
        events = []
        for obj, company, when, actor, action, from_state, to_state, note in b.events:
            text = reprs.get(id(obj))
            if text is None:
                text = reprs[id(obj)] = str(obj)[:200]
            events.append(
                (
                    when,
                    actor.pk if actor is not None else None,
                    actor.role if actor is not None else SYSTEM,
                    self.content_types[type(obj)],
                    obj.pk,
                    text,
                    company.pk,
                    action,
                    from_state,
                    to_state,
                    note,
                    # Only an object that keeps a copy (as core.audit.audit_record does).
                    *(
                        (type_keys.get(company.pk, ""), company.country, company.province)
                        if isinstance(obj, CompanyCopy)
                        else ("", "", "")
                    ),
                )
            )
        self._write_rows(AuditEvent, _AUDIT_COLUMNS, events)
        self._count(AuditEvent, len(events))
        return rows + len(events)

    def _write_objects(self, model: type[models.Model], objs: list[Any]) -> None:
        """Insert ``objs`` and give them their ids. On PostgreSQL through COPY, several
        times faster than bulk_create (no SQL to compile, no parameter arrays to quote):
        the ids come from the table's own identity sequence, so later inserts follow on."""
        if not self.use_copy:
            model._default_manager.bulk_create(objs, batch_size=INSERT_CHUNK)
            return
        meta = model._meta
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        pk = meta.pk.attname
        relations = [(f.name, f.attname) for f in meta.concrete_fields if f.is_relation]
        for obj, new_id in zip(objs, ids, strict=True):
            values = obj.__dict__
            values[pk] = new_id
            cache = obj._state.fields_cache
            for name, attname in relations:
                if values[attname] is None:
                    related = cache.get(name)
                    if related is not None:
                        values[attname] = related.pk
            obj._state.adding = False
            obj._state.db = connection.alias
        fields = meta.concrete_fields
        files = [i for i, f in enumerate(fields) if isinstance(f, models.FileField)]
        getter = operator.attrgetter(*(f.attname for f in fields))
        row_of: Callable[[Any], tuple[Any, ...]] = getter
        if files:

            def with_file_names(obj: Any) -> tuple[Any, ...]:
                row = list(getter(obj))
                for i in files:
                    row[i] = row[i].name if row[i] else ""
                return tuple(row)

            row_of = with_file_names
        self._copy(meta.db_table, [_column(f) for f in fields], map(row_of, objs))

    def _write_rows(
        self, model: type[models.Model], attnames: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """Insert plain rows (audit events, many-to-many links) that nothing points to."""
        if not rows:
            return
        if self.use_copy:
            by_attname = {f.attname: _column(f) for f in model._meta.concrete_fields}
            columns = [by_attname[a] for a in attnames]
            self._copy(model._meta.db_table, columns, rows)
        else:
            model._default_manager.bulk_create(
                (model(**dict(zip(attnames, row, strict=True))) for row in rows),
                batch_size=INSERT_CHUNK,
            )

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        quote = connection.ops.quote_name
        sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def _identifiers(self, b: Batch) -> None:
        """Application references and member numbers from core.identifiers, a block per
        sequence, so that later ones issued by the services continue without clashing."""
        by_year: dict[int, list[Application]] = defaultdict(list)
        for app in b.rows.get(Application, ()):
            by_year[self._local(app.created_at).year].append(app)
        for year, apps in sorted(by_year.items()):
            apps.sort(key=lambda a: a.created_at)
            block = identifier_reserve(name=f"application:{year}", count=len(apps))
            for app, value in zip(apps, block, strict=True):
                app.reference = application_reference_format(year=year, value=value)
        by_programme: dict[str, list[Membership]] = defaultdict(list)
        for membership in b.rows.get(Membership, ()):
            by_programme[membership.programme].append(membership)
        for programme, members in sorted(by_programme.items()):
            members.sort(key=lambda m: m.created_at)
            block = identifier_reserve(name=f"member:{programme}", count=len(members))
            for membership, value in zip(members, block, strict=True):
                membership.member_number = member_number_format(programme=programme, value=value)
