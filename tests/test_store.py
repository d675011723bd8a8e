"""The store: migrations, backends, audit chain — on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text, update

from nomina.store import alembic_config, migrate, open_store
from nomina.store.audit import append_audit, verify_audit_chain
from nomina.store.schema import audit_log, metadata


def test_migrations_create_exactly_the_schema(store):
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, metadata)
    assert differences == []
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "sources",
        "batches",
        "records",
        "record_fields",
        "record_events",
        "quarantine",
        "audit_log",
    } <= tables


def test_migrate_is_idempotent(store):
    migrate(store)
    migrate(store)
    with store.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head = ScriptDirectory.from_config(alembic_config(store)).get_current_head()
    assert version == head


def test_sqlite_store_uses_wal(sqlite_store):
    with sqlite_store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_default_url_comes_from_environment(monkeypatch, tmp_path):
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("NOMINA_DATABASE_URL", f"sqlite:///{target}")
    store = open_store()
    assert store.backend == "sqlite"
    assert target.exists()
    store.dispose()


def test_audit_chain_verifies_and_detects_tampering(store):
    with store.engine.begin() as connection:
        for number in range(3):
            append_audit(
                connection,
                actor="analyst",
                action="test",
                object_id=str(number),
                detail={"n": number},
            )
    with store.engine.connect() as connection:
        check = verify_audit_chain(connection)
    assert check.intact and check.entries == 3

    with store.engine.begin() as connection:
        second = connection.execute(
            select(audit_log.c.id).order_by(audit_log.c.id).offset(1).limit(1)
        ).scalar()
        connection.execute(
            update(audit_log).where(audit_log.c.id == second).values(actor="intruder")
        )
    with store.engine.connect() as connection:
        check = verify_audit_chain(connection)
    assert not check.intact
    assert check.first_broken_id == second


def test_audit_chain_detects_a_deleted_entry(store):
    with store.engine.begin() as connection:
        for number in range(3):
            append_audit(connection, actor="analyst", action="test", object_id=str(number))
    with store.engine.begin() as connection:
        first = connection.execute(
            select(audit_log.c.id).order_by(audit_log.c.id).limit(1)
        ).scalar()
        connection.execute(audit_log.delete().where(audit_log.c.id == first))
    with store.engine.connect() as connection:
        assert not verify_audit_chain(connection).intact


def test_migrations_go_down_and_up_again(store):
    from alembic import command

    command.downgrade(alembic_config(store), "base")
    assert "records" not in inspect(store.engine).get_table_names()
    migrate(store)
    assert "records" in inspect(store.engine).get_table_names()
