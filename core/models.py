from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class StoredFile(models.Model):
    """An uploaded file: stored through the storage API under a random name outside the web
    root (see ``core.files``), the uploader's own file name kept here, served only by views
    that check the caller's scope.

    Each concrete model adds the record the file belongs to, its ``SCOPE_COMPANY_FIELD`` and
    its Meta, and redeclares ``file`` with its own ``upload_to`` (the folder it is stored in).
    """

    file = models.FileField(_("file"), max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class Role(models.TextChoices):
    TRADER = "trader", _("Trader")
    OFFICER = "officer", _("Officer")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")
    PARTNER = "partner", _("Partner administration")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.TRADER)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: e-mail is the login, ``role`` says which side they are on."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TRADER)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            # Staff pickers and workloads read the few agency users among many traders.
            models.Index(
                fields=["role", "email"],
                name="user_staff_role",
                condition=models.Q(role__in=["officer", "manager", "administrator"]),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_agency_staff(self) -> bool:
        return self.role in (Role.OFFICER, Role.MANAGER, Role.ADMINISTRATOR)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditEventImmutable(_("Audit events are append-only: they cannot be updated."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutable(_("Audit events are append-only: they cannot be deleted."))

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )


class AuditEventImmutable(Exception):
    pass


class AuditEvent(models.Model):
    """One transition or decision: who, when, on what, from which state to which, and why.

    Append-only: the model refuses updates and deletes, and on PostgreSQL a trigger refuses
    them in the database too.
    """

    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the system (scheduled sweeps)."),
    )
    actor_role = models.CharField(_("actor's role"), max_length=20, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField(_("object id"))
    object_repr = models.CharField(_("object"), max_length=200)
    company_id = models.BigIntegerField(_("company id"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=60)
    from_state = models.CharField(_("from state"), max_length=40, blank=True)
    to_state = models.CharField(_("to state"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The company's business types and place when the event was recorded (traders'
    # CompanyCopy of the object, types as ``|3|7|``): the dashboard counts a decision under
    # the types and place the company had when it was taken, and filters without a join.
    company_business_types = models.CharField(
        _("company's business types"), max_length=200, blank=True, default=""
    )
    company_country = models.CharField(_("company's country"), max_length=2, blank=True, default="")
    company_province = models.CharField(
        _("company's province or state"), max_length=40, blank=True, default=""
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "occurred_at"]),
            # Decisions per month (certify, deny, suspend) without reading every event, and
            # with the company in the index too (a dashboard filtered by business type or
            # place checks each event's company): an index-only scan, no heap fetch.
            models.Index(
                fields=["action", "content_type", "occurred_at"],
                include=[
                    "company_id",
                    "company_business_types",
                    "company_country",
                    "company_province",
                ],
                name="audit_decisions_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.object_repr}: {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEventImmutable(_("Audit events are append-only: they cannot be updated."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutable(_("Audit events are append-only: they cannot be deleted."))


class IdentifierSequence(models.Model):
    """A counter per kind of identifier (member numbers, application references)."""

    name = models.CharField(max_length=40, unique=True)
    last_value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("identifier sequence")
        verbose_name_plural = _("identifier sequences")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"
