"""SQL that not every database understands, behind one function each, with the SQLite path
beside the PostgreSQL one (the embedded default is SQLite; production is PostgreSQL).

- ``Median``: PostgreSQL's ``percentile_disc(0.5) WITHIN GROUP (ORDER BY …)``; on SQLite an
  aggregate of the same definition, registered on every new connection
  (``sqlite_functions_register``, connected in ``core.apps``).
"""

from __future__ import annotations

import math
from typing import Any

from django.db import models


class _MedianDisc:
    """SQLite's ``median_disc(x)``: PostgreSQL's ``percentile_disc(0.5)``, the value at
    position ceil(n / 2) of the sorted non-null values (the lower of the two middle ones for
    an even count). Date-times are stored as ISO text in UTC, which sorts as time does."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def step(self, value: object) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> object:
        if not self.values:
            return None
        self.values.sort()
        return self.values[math.ceil(len(self.values) / 2) - 1]


def sqlite_functions_register(sender: object, connection: Any, **kwargs: object) -> None:  # noqa: ANN401
    """``connection_created`` receiver: the SQLite side of this module's functions."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("median_disc", 1, _MedianDisc)


class Median(models.Aggregate):
    """The median (the middle value; the lower of the two middle ones for an even count), the
    same figure on PostgreSQL and SQLite. On PostgreSQL sorting the values themselves costs a
    third of sorting their epochs, which ``percentile_cont`` would need."""

    function = "percentile_disc"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # noqa: ANN401
        return super().as_sql(
            compiler, connection, function="median_disc", template="%(function)s(%(expressions)s)"
        )
