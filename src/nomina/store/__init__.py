"""The register's store: one SQLAlchemy engine over SQLite (default) or PostgreSQL.

>>> store = open_store("sqlite:///nomina.db")   # creates and migrates the file
>>> with store.engine.begin() as connection: ...
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from nomina import settings
from nomina.store.dialect import create_store_engine

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class Store:
    """A handle on the register: the engine and where it points."""

    url: str
    engine: Engine

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        """The URL without a password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(store: Store) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = store.engine
    return config


def migrate(store: Store, revision: str = "head") -> None:
    """Bring the schema to `revision` (idempotent)."""
    command.upgrade(alembic_config(store), revision)


def open_store(url: str | None = None, *, upgrade: bool = True) -> Store:
    """Open the store at `url` (default: NOMINA_DATABASE_URL or ./nomina.db), migrated."""
    url = url or settings.database_url()
    store = Store(url=url, engine=create_store_engine(url))
    if upgrade:
        migrate(store)
    return store
