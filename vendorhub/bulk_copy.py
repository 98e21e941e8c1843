"""Load many rows fast: PostgreSQL ``COPY … FROM STDIN``, ``bulk_create`` elsewhere.

``seed_large`` writes millions of rows. ``bulk_create`` builds a model instance and a
multi-megabyte ``INSERT … VALUES`` string per batch (about 5× slower than ``COPY`` for
the same rows, measured in issue 14), so rows are given here as plain dicts (or, on the
hot path, tuples in a fixed column order) and streamed as COPY text.

What Django would do in Python is done here once per table: every column the caller
leaves out gets the field's default (``auto_now``/``auto_now_add`` columns get
``now``), formatted once. Primary keys the caller needs (to point other rows at them)
are reserved from the table's own sequence first, so the database and the caller agree
on them and later ordinary inserts do not collide. Like ``bulk_create`` this sends no
signals and writes no history rows. On SQLite (tests without PostgreSQL) the same rows
go through ``bulk_create``.
"""

from __future__ import annotations

import io
import json
import time as clock
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, models, transaction

NULL = "\\N"
#: Seconds spent in COPY per table, index rebuilds and key checks in this process
#: (``seed_large -v 2`` prints them).
COPY_SECONDS: dict[str, float] = {}


def _text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def _json(value: Any) -> str:
    return _text(json.dumps(value))


#: Formatter per exact type: one dict lookup per value on the hot path (millions).
_FORMAT: dict[type, Callable[[Any], str]] = {
    str: _text,
    type(None): lambda _value: NULL,
    bool: lambda value: "t" if value else "f",
    int: int.__repr__,
    float: float.__repr__,
    Decimal: Decimal.__str__,
    datetime: datetime.isoformat,
    date: date.isoformat,
    time: time.isoformat,
    dict: _json,
    list: _json,
}


def copy_text(value: Any) -> str:
    """One value in COPY's text format."""
    formatter = _FORMAT.get(value.__class__)
    if formatter is not None:
        return formatter(value)
    if isinstance(value, str):  # TextChoices members
        return _text(str(value))
    if isinstance(value, bool):
        return "t" if value else "f"
    return _text(str(value))


@contextmanager
def bulk_load(*models_: type[models.Model]) -> Iterator[None]:
    """Load ``models_`` the way ``pg_restore`` does: indexes and key checks once, at the end.

    Maintaining a dozen B-trees row by row roughly doubles the cost of a COPY, and the
    per-row foreign-key triggers double it again (measured at 400,000 measurements on
    the 2-core machine: 36 s with both, 18 s without the triggers). So, inside one
    transaction (a failure puts everything back):

    - the plain (non-unique, non-constraint) indexes are dropped and rebuilt after the
      load, each in one sorted pass; unique indexes stay, so duplicates still fail;
    - where the role may (a superuser, or ``GRANT SET ON PARAMETER``), per-row triggers
      are off (``session_replication_role = replica``) and every foreign key of the
      loaded tables is then checked set-based, one anti-join per table, before commit;
      otherwise keys are checked per statement (``SET CONSTRAINTS ALL IMMEDIATE``,
      deferred again afterwards) so the deferred-trigger queue does not grow with
      millions of rows.

    Other sessions wait on these tables meanwhile: this is for loading a benchmark
    database, not a live one.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
            triggers_off = True
        except DatabaseError:
            triggers_off = False
        # Checks still pending in this transaction (a DELETE just before, in tests) must
        # run now: CREATE INDEX refuses a table with pending trigger events. Keys stay
        # checked per statement during the load, then deferred again as Django declares.
        cursor.execute(
            "SELECT DISTINCT quote_ident(conname) FROM pg_constraint "
            "WHERE condeferred AND connamespace = current_schema()::regnamespace"
        )
        deferred = [name for (name,) in cursor.fetchall()]
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        definitions: list[str] = []
        for model in models_:
            cursor.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid = %s::regclass
                  AND NOT i.indisprimary AND NOT i.indisunique
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                """,
                [model._meta.db_table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {name}")
                definitions.append(definition)
        yield
        started = clock.perf_counter()
        for definition in definitions:
            cursor.execute(definition)
        COPY_SECONDS["(index rebuilds)"] = (
            clock.perf_counter() - started + COPY_SECONDS.get("(index rebuilds)", 0.0)
        )
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {', '.join(deferred)} DEFERRED")
        if triggers_off:
            started = clock.perf_counter()
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            for model in models_:
                check_foreign_keys(cursor, model)
            COPY_SECONDS["(key checks)"] = (
                clock.perf_counter() - started + COPY_SECONDS.get("(key checks)", 0.0)
            )


def check_foreign_keys(cursor: Any, model: type[models.Model]) -> None:
    """Every foreign key of ``model``'s table points at a row: one scan, or an error."""
    quote = connection.ops.quote_name
    joins, broken = [], []
    for n, field in enumerate(model._meta.concrete_fields):
        if not field.is_relation or not field.db_constraint:
            continue
        target = field.target_field
        alias = f"p{n}"
        joins.append(
            f"LEFT JOIN {quote(target.model._meta.db_table)} {alias} "
            f"ON {alias}.{quote(target.column)} = c.{quote(field.column)}"
        )
        column, parent = quote(field.column), f"{alias}.{quote(target.column)}"
        broken.append(f"(c.{column} IS NOT NULL AND {parent} IS NULL)")
    if not joins:
        return
    cursor.execute(
        f"SELECT count(*) FROM {quote(model._meta.db_table)} c "  # noqa: S608 - names from the model
        + " ".join(joins)
        + " WHERE "
        + " OR ".join(broken)
    )
    (missing,) = cursor.fetchone()
    if missing:
        raise IntegrityError(
            f"{missing} rows of {model._meta.db_table} point at rows that do not exist."
        )


class TableLoader:
    """Rows for one model; ``add`` buffers, ``flush`` (or a full buffer) writes them.

    ``columns`` fixes the attnames a tuple row gives, in order (the fast path for the
    big tables); dict rows may give any subset of the concrete fields. ``want_ids``
    reserves a primary key for each dict row (set as ``row["id"]``) when it is added.
    """

    def __init__(
        self,
        model: type[models.Model],
        *,
        now: datetime,
        columns: Sequence[str] | None = None,
        want_ids: bool = False,
        batch: int = 10_000,
    ) -> None:
        self.model = model
        self.want_ids = want_ids
        self.batch = batch
        self.written = 0
        self.postgres = connection.vendor == "postgresql"
        pk = model._meta.pk
        # Generated columns are the database's to compute (COPY may not name them).
        fields = [
            f
            for f in model._meta.concrete_fields
            if f is not pk and not getattr(f, "generated", False)
        ]
        self.defaults: dict[str, Any] = {}
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = now
            else:
                self.defaults[field.attname] = field.get_default()
        self.attnames = [f.attname for f in fields]
        self.columns = list(columns) if columns is not None else None
        if self.columns is not None:
            rest = [name for name in self.attnames if name not in self.columns]
            self.suffix = "".join("\t" + copy_text(self.defaults[name]) for name in rest)
            self.copy_columns = [*self.columns, *rest]
        else:
            self.copy_columns = ["id", *self.attnames] if want_ids else self.attnames
        self.buffer: list[Any] = []
        self._ids: list[int] = []

    # --- public ------------------------------------------------------------------------
    def add(self, row: dict[str, Any] | tuple[Any, ...]) -> None:
        if self.want_ids:
            assert isinstance(row, dict)
            row["id"] = self._next_id()
        self.buffer.append(row)
        if len(self.buffer) >= self.batch:
            self.flush()

    def extend(self, rows: Iterable[dict[str, Any] | tuple[Any, ...]]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        rows, self.buffer = self.buffer, []
        if not rows:
            return
        if self.postgres:
            self._copy(rows)
        else:
            self._bulk_create(rows)
        self.written += len(rows)

    def preload_ids(self, count: int) -> None:
        """Reserve exactly ``count`` keys now (instead of a whole batch on first use)."""
        self._ids = reserve_ids(self.model, count)

    # --- internals ---------------------------------------------------------------------
    def _next_id(self) -> int:
        if not self._ids:
            self._ids = reserve_ids(self.model, self.batch)
        return self._ids.pop()

    def _copy(self, rows: list[Any]) -> None:
        out = io.StringIO()
        write = out.write
        if self.columns is not None:
            suffix = self.suffix
            for row in rows:
                write("\t".join([copy_text(v) for v in row]))
                write(suffix)
                write("\n")
        else:
            items = list(self.defaults.items())
            for row in rows:
                values = [copy_text(row.get(k, d)) for k, d in items]
                if self.want_ids:
                    values.insert(0, str(row["id"]))
                write("\t".join(values))
                write("\n")
        out.seek(0)
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in self.copy_columns)
        started = clock.perf_counter()
        with connection.cursor() as cursor:
            # The debug wrapper passes copy_expert through to psycopg2 (not logged).
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", out)
        COPY_SECONDS[table] = COPY_SECONDS.get(table, 0.0) + clock.perf_counter() - started

    def _bulk_create(self, rows: list[Any]) -> None:
        objects = []
        for row in rows:
            values = dict(zip(self.columns, row, strict=True)) if self.columns else dict(row)
            for name, default in self.defaults.items():
                values.setdefault(name, default)
            objects.append(self.model(**values))
        self.model.objects.bulk_create(objects)
        if self.want_ids:
            for row, obj in zip(rows, objects, strict=True):
                assert row["id"] == obj.pk


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys, in descending order (popped from the end)."""
    table = model._meta.db_table
    column = model._meta.pk.column
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            ids = [row[0] for row in cursor.fetchall()]
        return sorted(ids, reverse=True)
    # SQLite: the next ids after the current maximum (one loader per table at a time).
    top = model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0
    reserved = getattr(model, "_bulk_copy_reserved", 0)
    start = max(top, reserved) + 1
    model._bulk_copy_reserved = start + count - 1  # type: ignore[attr-defined]
    return list(range(start + count - 1, start - 1, -1))
