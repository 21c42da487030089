"""The manager's dashboard and the lists behind its figures (their rows and CSV).

Interfaces only: the figures and lists come from :mod:`reporting.dashboard`; the decisions
taken from a list's record are in :mod:`backoffice.views.decisions`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import staff_required
from core.forms import choice_field
from core.roles import MANAGERS
from reporting import dashboard as selectors
from reporting.dashboard import Filters, UnknownList
from traders.models import Application, Membership, Programme

PAGE_SIZE = 50


class FilterForm(forms.Form):
    programme = forms.ChoiceField(label=gettext_lazy("Programme"), required=False)
    business_type = forms.ChoiceField(label=gettext_lazy("Business type"), required=False)
    country = forms.RegexField(
        label=gettext_lazy("Country"),
        regex=r"^[A-Za-z]{2}$",
        required=False,
        max_length=2,
        help_text=gettext_lazy("Two-letter code, such as CA or US."),
        error_messages={"invalid": gettext_lazy("Enter a two-letter country code, such as CA.")},
    )
    province = forms.CharField(
        label=gettext_lazy("Province or state"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("Code, such as ON or MI."),
    )
    officer = forms.TypedChoiceField(
        label=gettext_lazy("Assigned officer"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, choices: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        choice_field(self, "programme").choices = anything + list(Programme.choices)
        french = (translation.get_language() or "en").startswith("fr")
        choice_field(self, "business_type").choices = anything + [
            (code, name_fr if french else name_en)
            for code, name_en, name_fr, _pk in choices["business_types"]
        ]
        self.business_type_pks = {code: pk for code, _en, _fr, pk in choices["business_types"]}
        choice_field(self, "officer").choices = anything + [
            (str(pk), name) for pk, name in choices["officers"]
        ]

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            programme=data["programme"] or "",
            business_type=data["business_type"] or "",
            country=(data["country"] or "").upper(),
            province=(data["province"] or "").strip().upper(),
            officer=data["officer"],
            # Read with the options already: the selectors need not look it up again.
            business_type_pk=self.business_type_pks.get(data["business_type"]),
        )


def _filters(request: HttpRequest) -> tuple[FilterForm, Filters]:
    form = FilterForm(request.GET or None, choices=selectors.filter_choices())
    return form, form.filters() if request.GET else Filters()


def _list_url(
    key: str, filters: Filters, paths: dict[str, str] | None = None, **params: str
) -> str:
    """The address of the list ``key`` with ``filters`` and the list's ``params``. ``paths``
    keeps each list's path for the request (the dashboard links to ~100 cells of ~20 lists:
    reversing each once)."""
    query = filters.as_query() | {k: v for k, v in params.items() if v}
    if paths is None:
        url = reverse("backoffice:dashboard_list", args=[key])
    elif key not in paths:
        url = paths[key] = reverse("backoffice:dashboard_list", args=[key])
    else:
        url = paths[key]
    return f"{url}?{urlencode(query)}" if query else url


CHART_WIDTH = 720
CHART_HEIGHT = 220
CHART_LEFT = 48
CHART_BOTTOM = 36
CHART_TOP = 12


def _ticks(maximum: int) -> list[int]:
    if maximum <= 0:
        return [0]
    step = max(1, round(maximum / 4))
    return list(range(0, maximum + step, step))[:6]


def _bar_chart(groups: list[dict[str, Any]], series: int) -> dict[str, Any]:
    """Geometry of a bar chart: ``groups`` (one per month) with ``values`` (one per series)."""
    plot_height = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP
    maximum = max((v for g in groups for v in g["values"]), default=0)
    ticks = _ticks(maximum)
    top = max(ticks[-1], 1)
    slot = (CHART_WIDTH - CHART_LEFT) / max(len(groups), 1)
    bar = max(slot * 0.8 / series, 1)
    bars, labels = [], []
    for i, group in enumerate(groups):
        x0 = CHART_LEFT + i * slot + slot * 0.1
        for s, value in enumerate(group["values"]):
            height = plot_height * value / top
            bars.append(
                {
                    "x": round(x0 + s * bar, 1),
                    "y": round(CHART_TOP + plot_height - height, 1),
                    "width": round(bar, 1),
                    "height": round(height, 1),
                    "series": s,
                }
            )
        if len(groups) <= 12 or i % 3 == 0:
            labels.append({"x": round(x0 + slot * 0.4, 1), "text": group["label"]})
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH,
        "baseline": CHART_TOP + plot_height,
        "label_y": CHART_TOP + plot_height + 20,
        "bars": bars,
        # The bars as markup, built here: a hundred <rect> rendered by the template
        # language took a good part of the page's time.
        "bars_svg": format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" class="gc-chart__bar gc-chart__bar--{}"/>',
            ((b["x"], b["y"], b["width"], b["height"], b["series"]) for b in bars),
        ),
        "labels": labels,
        "ticks": [
            {"value": t, "y": round(CHART_TOP + plot_height - plot_height * t / top, 1)}
            for t in ticks
        ],
    }


def _month_label(month: dt.date) -> str:
    return date_format(month, "M Y")


@staff_required(roles=MANAGERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    figures = selectors.dashboard_figures(filters=filters)
    paths: dict[str, str] = {}
    link = lambda key, **params: _list_url(key, filters, paths, **params)  # noqa: E731
    for item in (
        *figures["expiring"],
        figures["lapsed"],
        figures["revalidations_overdue"],
        figures["revalidations_not_started"],
        figures["plans_overdue"],
        figures["plans_due_soon"],
        *figures["pipeline"],
    ):
        item["url"] = link(item["key"])
    for row in figures["workload"]:
        for cell in row["cells"]:
            cell["url"] = _list_url(cell["key"], replace(filters, officer=row["officer"].pk), paths)
    decisions = figures["decisions"]
    for series in decisions["series"]:
        for value in series["values"]:
            value["url"] = link("decisions", action=series["action"], month=value["param"])
    months = decisions["months"]
    decision_rows = [
        {
            "label": _month_label(m),
            "cells": [series["values"][i] for series in decisions["series"]],
        }
        for i, m in enumerate(months)
    ]
    decision_chart = _bar_chart(
        [
            {
                "label": _month_label(m),
                "values": [s["values"][i]["count"] for s in decisions["series"]],
            }
            for i, m in enumerate(months)
        ],
        series=len(decisions["series"]),
    )
    for month in figures["expiries"]:
        month["url"] = link("expiring-month", month=month["param"])
        month["label"] = _month_label(month["month"])
    expiry_chart = _bar_chart(
        [{"label": m["label"], "values": [m["count"]]} for m in figures["expiries"]], series=1
    )
    return render(
        request,
        "backoffice/dashboard/index.html",
        {
            "form": form,
            "filters": filters,
            "figures": figures,
            "decision_series": decisions["series"],
            "decision_rows": decision_rows,
            "decision_chart": decision_chart,
            "expiry_chart": expiry_chart,
            "filtered": bool(filters.as_query()),
        },
    )


@dataclass(frozen=True)
class Column:
    header: Promise
    value: Callable[[Any], Any]


def _officer(user: Any) -> str:
    return (user.full_name or user.email) if user is not None else ""


def _days_since(when: dt.datetime | None) -> Any:
    from django.utils import timezone

    return (timezone.now() - when).days if when else ""


COLUMNS: dict[str, list[Column]] = {
    "memberships": [
        Column(gettext_lazy("Member number"), lambda m: m.member_number),
        Column(gettext_lazy("Company"), lambda m: m.company.legal_name),
        Column(gettext_lazy("Programme"), lambda m: m.programme),
        Column(gettext_lazy("State"), lambda m: m.get_state_display()),
        Column(gettext_lazy("Expires on"), lambda m: m.expires_on),
        Column(gettext_lazy("Province or state"), lambda m: m.company.province),
        Column(gettext_lazy("Country"), lambda m: m.company.country),
        Column(gettext_lazy("Assigned officer"), lambda m: _officer(m.assigned_officer)),
    ],
    "revalidations": [
        Column(gettext_lazy("Member number"), lambda c: c.membership.member_number),
        Column(gettext_lazy("Company"), lambda c: c.company.legal_name),
        Column(gettext_lazy("Programme"), lambda c: c.membership.programme),
        Column(gettext_lazy("State"), lambda c: c.get_state_display()),
        Column(gettext_lazy("Opened on"), lambda c: c.opened_on),
        Column(gettext_lazy("Due on"), lambda c: c.due_on),
        Column(gettext_lazy("Province or state"), lambda c: c.company.province),
        Column(gettext_lazy("Country"), lambda c: c.company.country),
        Column(gettext_lazy("Assigned officer"), lambda c: _officer(c.membership.assigned_officer)),
    ],
    "plans": [
        Column(
            gettext_lazy("Member number"),
            lambda p: p.membership.member_number if p.membership else "",
        ),
        Column(gettext_lazy("Company"), lambda p: p.company.legal_name),
        Column(gettext_lazy("State"), lambda p: p.get_state_display()),
        Column(gettext_lazy("Issued on"), lambda p: p.issued_on),
        Column(gettext_lazy("Deadline"), lambda p: p.deadline),
        Column(gettext_lazy("Province or state"), lambda p: p.company.province),
        Column(gettext_lazy("Country"), lambda p: p.company.country),
        Column(
            gettext_lazy("Assigned officer"),
            lambda p: _officer(p.membership.assigned_officer) if p.membership else "",
        ),
    ],
    "applications": [
        Column(gettext_lazy("Reference"), lambda a: a.reference),
        Column(gettext_lazy("Company"), lambda a: a.company.legal_name),
        Column(gettext_lazy("Programmes"), lambda a: a.programme),
        Column(gettext_lazy("State"), lambda a: a.get_state_display()),
        Column(gettext_lazy("Days in this state"), lambda a: _days_since(a.state_changed_at)),
        Column(gettext_lazy("Province or state"), lambda a: a.company.province),
        Column(gettext_lazy("Country"), lambda a: a.company.country),
        Column(gettext_lazy("Assigned officer"), lambda a: _officer(a.assigned_officer)),
    ],
    "decisions": [
        Column(gettext_lazy("Time"), lambda e: e.occurred_at),
        Column(gettext_lazy("Decision"), lambda e: e.action),
        Column(gettext_lazy("Record"), lambda e: e.object_repr),
        Column(gettext_lazy("By"), lambda e: _officer(e.actor) or _("System")),
        Column(gettext_lazy("Reason"), lambda e: e.note),
    ],
}


def _detail_url(kind: str, row: Any, content_types: dict[int, str]) -> str | None:
    if kind == "memberships":
        return reverse("backoffice:dashboard_membership", args=[row.pk])
    if kind in ("revalidations", "plans"):
        if row.membership_id is None:
            return None
        return reverse("backoffice:dashboard_membership", args=[row.membership_id])
    if kind == "applications":
        return reverse("backoffice:dashboard_application", args=[row.pk])
    target = content_types.get(row.content_type_id)
    if target:
        return reverse(f"backoffice:dashboard_{target}", args=[row.object_id])
    return None


def _list(request: HttpRequest, key: str) -> tuple[FilterForm, Filters, Any, Any, dict[str, str]]:
    form, filters = _filters(request)
    params = {name: request.GET.get(name, "") for name in selectors.LISTS.get(key, _NO_SPEC).params}
    try:
        spec, rows = selectors.dashboard_list(key=key, filters=filters, params=params)
    except UnknownList:
        raise Http404 from None
    return form, filters, spec, rows, params


class _NoSpec:
    params: tuple[str, ...] = ()


_NO_SPEC = _NoSpec()


def _content_types() -> dict[int, str]:
    by_model = ContentType.objects.get_for_models(Application, Membership)
    return {by_model[Application].pk: "application", by_model[Membership].pk: "membership"}


@staff_required(roles=MANAGERS)
def dashboard_list(request: HttpRequest, key: str) -> HttpResponse:
    form, filters, spec, rows, params = _list(request, key)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = COLUMNS[spec.kind]
    content_types = _content_types() if spec.kind == "decisions" else {}
    table = [
        {
            "url": _detail_url(spec.kind, row, content_types),
            "cells": [column.value(row) for column in columns],
        }
        for row in page.object_list
    ]
    query = filters.as_query() | {k: v for k, v in params.items() if v}
    return render(
        request,
        "backoffice/dashboard/list.html",
        {
            "form": form,
            "spec": spec,
            "key": key,
            "params": params,
            "page": page,
            "columns": columns,
            "table": table,
            "query": urlencode(query),
            "csv_url": reverse("backoffice:dashboard_list_csv", args=[key])
            + (f"?{urlencode(query)}" if query else ""),
        },
    )


def _csv_cell(value: Any) -> str:
    """Text a spreadsheet will not run as a formula (OWASP: CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_required(roles=MANAGERS)
def dashboard_list_csv(request: HttpRequest, key: str) -> StreamingHttpResponse:
    """The whole list, with the same filters, as CSV; streamed in chunks of 2,000 rows (one
    query: PostgreSQL reads it through a server-side cursor)."""
    _form, _filters_, spec, rows, _params = _list(request, key)
    columns = COLUMNS[spec.kind]
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # a byte order mark: spreadsheets then read the accents right
        yield writer.writerow([str(c.header) for c in columns])
        for row in rows.iterator(chunk_size=2000):
            yield writer.writerow([_csv_cell(c.value(row)) for c in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}.csv"'
    return response
