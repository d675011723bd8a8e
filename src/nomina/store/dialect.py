"""Everything that differs between SQLite and PostgreSQL, in one place."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence, Sized
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, func, select, text
from sqlalchemy.engine import make_url

# Any constant works; it only has to be the same for every nomina writer.
_WRITE_LOCK_KEY = 0x6E6F6D696E61


def create_store_engine(url: str) -> Engine:
    """An engine with the settings each backend needs for a register."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 60})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN unpredictably; take it over
    # (the recipe in SQLAlchemy's SQLite dialect docs) so a batch is one transaction.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # 16 MB of page cache (default 2 MB): more index pages stay in memory in a big batch.
        cursor.execute("PRAGMA cache_size=-16384")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def is_sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def take_write_lock(connection: Connection) -> None:
    """Serialise writers, so a batch may assign record ids and the audit chain stays linear.

    SQLite: a write that matches no row takes the database's single write lock now,
    waiting its turn (busy timeout). Call it before reading what the transaction writes
    from: a transaction that has read first cannot write once another writer committed in
    between ("database is locked" at once, no waiting); concurrent audited reads failed so.
    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback.
    """
    if is_sqlite(connection):
        connection.exec_driver_sql("UPDATE audit_log SET id = id WHERE 0")
    else:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITE_LOCK_KEY})


def bulk_insert(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert many rows (tuples in `columns` order) fast, in the caller's transaction.

    Straight to the driver: executemany on SQLite, COPY on PostgreSQL. SQLAlchemy's
    per-row parameter processing would otherwise cost a third of an ingest. Dates must
    come as ISO text (both backends read that, and it is what SQLAlchemy stores on SQLite).
    `rows` may be a generator: both drivers consume it a row at a time, so a million rows
    need not be built as a list first.
    """
    if isinstance(rows, Sized) and not len(rows):
        return
    quoted = ", ".join(f'"{name}"' for name in columns)
    driver = connection.connection.driver_connection
    if is_sqlite(connection):
        placeholders = ", ".join("?" * len(columns))
        cursor = driver.cursor()
        try:
            cursor.executemany(
                # Names come from our own schema, never from input.
                f'INSERT INTO "{table.name}" ({quoted}) VALUES ({placeholders})',  # noqa: S608
                rows,
            )
        finally:
            cursor.close()
        return
    with driver.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)


# Ids per IN (...) list: well under what SQLite and PostgreSQL accept as bound parameters.
ID_CHUNK = 10_000


def in_chunks(ids: Collection[int], size: int = ID_CHUNK) -> Iterator[list[int]]:
    """The ids, sorted and distinct, in lists of at most `size` for `column.in_(...)`."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def latest_ids(connection: Connection, columns: Sequence[Any]) -> tuple[Any, ...]:
    """The largest value of each (indexed, growing) id column, in one query of index
    lookups: a marker that changes whenever a row is added to any of their tables."""
    query = select(*(select(func.max(column)).scalar_subquery() for column in columns))
    return tuple(connection.execute(query).one())
