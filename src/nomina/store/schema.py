"""The register's tables (SQLAlchemy Core). Alembic migrations create them; this is the map.

Records are immutable: resolution and later stages add their own tables and never
update or delete a row here. A record's parsed fields live beside it so that a
parser fix can re-derive them without touching the verbatim row.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Stable constraint names so migrations read the same on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("organisation", Text),
    Column("reliability", String(1), nullable=False),
    Column("received", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("title", "kind", "received"),
)

batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    Column("file_name", Text, nullable=False),
    Column("file_sha256", String(64), nullable=False, unique=True),
    Column("file_size", BigInteger, nullable=False),
    Column("file_format", String(8), nullable=False),
    Column("encoding", String(16)),
    Column("delimiter", String(4)),
    Column("config", Text, nullable=False),  # the source YAML as given, for provenance
    Column("rows_read", Integer, nullable=False),
    Column("records_added", Integer, nullable=False),
    Column("rows_quarantined", Integer, nullable=False),
    Column("blank_rows", Integer, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("ingested_by", Text, nullable=False),
)

# Ids are assigned by the ingest batch (it holds the write lock), so records,
# fields and events can be written in one pass without a round trip per row.
records = Table(
    "records",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("batch_id", ForeignKey("batches.id"), nullable=False),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("raw", Text, nullable=False),  # the row verbatim: JSON object, header → cell
    UniqueConstraint("batch_id", "row_number"),
)

record_fields = Table(
    "record_fields",
    metadata,
    Column("record_id", ForeignKey("records.id"), primary_key=True, autoincrement=False),
    Column("full_name", Text),
    Column("given_name", Text),
    Column("family_name", Text),
    Column("patronymic", Text),
    Column("name_script", String(16)),
    Column("name_latin", Text),
    Column("birth_date", String(10)),
    Column("birth_date_precision", String(5)),
    Column("birth_place", Text),
    Column("residence", Text),  # added by migration 0004
    Column("birth_country", String(16)),
    Column("citizenship", String(16)),
    Column("document_issuer", String(16)),
    Column("document_number", Text, index=True),
    Column("service_number", Text),
    Column("sex", String(1)),
    Column("military_unit", Text),
    Column("rank", Text),
    Column("recruitment_channel", Text),
    Column("source_key", Text),
    Column("note", Text),
)

record_events = Table(
    "record_events",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("record_id", ForeignKey("records.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("date", String(10)),  # ISO prefix; precision says how much of it is known
    Column("date_precision", String(5)),
    Column("reported_date", Date, nullable=False),  # when the source learned of it
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("batch_id", ForeignKey("batches.id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("raw", Text, nullable=False),  # verbatim, so nothing is lost
)

quarantine_problems = Table(
    "quarantine_problems",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("quarantine_id", ForeignKey("quarantine.id"), nullable=False, index=True),
    Column("field", String(32)),
    Column("column_name", Text),
    Column("value", Text),
    Column("reason", Text, nullable=False),
)

# A cell that did not parse in a column configured `on_error: blank`: its record landed
# without that field (the verbatim row still holds the value).
set_aside_values = Table(
    "set_aside_values",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("record_id", ForeignKey("records.id"), nullable=False, index=True),
    Column("field", String(32)),
    Column("column_name", Text),
    Column("value", Text),
    Column("reason", Text, nullable=False),
)

# Append-only; each entry carries the hash of the one before (tamper-evident chain).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(64), nullable=False),
    Column("object_type", String(32)),
    Column("object_id", Text),
    Column("detail", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


# --- resolution (identity resolution stage) ------------------------------------------

resolution_runs = Table(
    "resolution_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("engine", String(16), nullable=False),
    Column("threshold", Float, nullable=False),
    Column("records", Integer, nullable=False),
    Column("pairs", Integer, nullable=False),
    Column("persons", Integer, nullable=False),
    Column("model", Text),  # the trained linkage model (Splink settings JSON), kept with the run
    Column("actor", Text, nullable=False),
)

# Each record's names normalised once (parts, cross-script keys, consonant keys), as
# JSON; `version` says which name rules made them, so changed rules recompute them.
record_keys = Table(
    "record_keys",
    metadata,
    Column("record_id", ForeignKey("records.id"), primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("name_keys", Text, nullable=False),
)

# Scored pairs (above a floor probability) of the last full run and of the incremental
# runs since: the model's view, explained. A full run replaces them all.
pairs = Table(
    "pairs",
    metadata,
    Column("run_id", ForeignKey("resolution_runs.id"), nullable=False, index=True),
    Column("left_record_id", ForeignKey("records.id"), primary_key=True, autoincrement=False),
    Column("right_record_id", ForeignKey("records.id"), primary_key=True, autoincrement=False),
    Column("match_weight", Float, nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("contributions", Text, nullable=False),  # JSON: comparison → {level, weight}
)

# A reviewer's verdict on two records; overrides the model. Append-only: the latest wins.
judgements = Table(
    "judgements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("left_record_id", ForeignKey("records.id"), nullable=False, index=True),
    Column("right_record_id", ForeignKey("records.id"), nullable=False, index=True),
    Column("verdict", String(9), nullable=False),  # same | different | unsure
    Column("judged_by", Text, nullable=False),
    Column("judged_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
)

persons = Table(
    "persons",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),  # stable across runs
    Column("created_run_id", ForeignKey("resolution_runs.id"), nullable=False),
    Column("updated_run_id", ForeignKey("resolution_runs.id"), nullable=False),
    Column("records", Integer, nullable=False),
    Column("certainty", String(9), nullable=False),  # confirmed | probable | possible
    Column("certainty_reasons", Text, nullable=False),  # JSON list of sentences
    Column("retired", Integer, nullable=False, default=0),  # merged into another person
)

person_records = Table(
    "person_records",
    metadata,
    Column("record_id", ForeignKey("records.id"), primary_key=True, autoincrement=False),
    Column("person_id", ForeignKey("persons.id"), nullable=False, index=True),
)

person_lineage = Table(
    "person_lineage",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("run_id", ForeignKey("resolution_runs.id"), nullable=False, index=True),
    Column("kind", String(9), nullable=False),
    Column("person_id", BigInteger, nullable=False, index=True),
    Column("other_ids", Text, nullable=False),  # JSON list
    Column("records", Integer, nullable=False),
)


# --- timeline (events → ordered timeline and status; rebuilt whole by build_timeline) ---

# One row per current person: its derived status and the facts figures count by.
person_timelines = Table(
    "person_timelines",
    metadata,
    Column("person_id", ForeignKey("persons.id"), primary_key=True, autoincrement=False),
    Column("certainty", String(9), nullable=False),
    Column("status", String(16)),  # an event kind; None: no event known
    Column("status_date", String(10)),  # ISO prefix of the event that set the status
    Column("status_precision", String(5)),
    Column("status_record_id", BigInteger),
    Column("contested", Integer, nullable=False),  # 1: a contradiction is flagged
    Column("country", String(16)),  # the citizenship most of its records give
    Column("first_contracted", String(10)),
    Column("first_contracted_precision", String(5)),
    Column("recruitment_channel", Text),
    Column("records", Integer, nullable=False),
    Column("events", Integer, nullable=False),
    Column("event_kinds", Integer, nullable=False),  # bit i: EVENT_KINDS[i] counts
    Column("first_known", DateTime(timezone=True), nullable=False),  # earliest landing
)

# Contradictions for review: two events (or one) of a person and what the timeline did.
timeline_flags = Table(
    "timeline_flags",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("person_id", BigInteger, nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("other_record_id", BigInteger),
    Column("detail", Text, nullable=False),
)

# How many records each source holds of each current person.
person_sources = Table(
    "person_sources",
    metadata,
    Column("person_id", BigInteger, primary_key=True, autoincrement=False),
    Column("source_id", ForeignKey("sources.id"), primary_key=True, autoincrement=False),
    Column("records", Integer, nullable=False),
)

# The persons of person_timelines counted by every fact a figure selects on (a few
# thousand cells for a million persons): figures now read these, not a row per person.
figure_cells = Table(
    "figure_cells",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("certainty", String(9), nullable=False),
    Column("status", String(16)),
    Column("contested", Integer, nullable=False),
    Column("country", String(16)),
    Column("first_contracted", String(10)),  # to the month (YYYY-MM), or the year
    Column("recruitment_channel", Text),
    Column("event_kinds", Integer, nullable=False),
    Column("persons", Integer, nullable=False),
)

figure_source_cells = Table(
    "figure_source_cells",
    metadata,
    Column("certainty", String(9), primary_key=True),
    Column("source_id", Integer, primary_key=True, autoincrement=False),
    Column("persons", Integer, nullable=False),
)

timeline_builds = Table(
    "timeline_builds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("built_at", DateTime(timezone=True), nullable=False),
    Column("run_id", Integer),  # the latest resolution run it reflects
    Column("as_of", DateTime(timezone=True)),  # the latest landing among its records
    Column("persons", Integer, nullable=False),
    Column("events", Integer, nullable=False),
    Column("flags", Integer, nullable=False),
    Column("seconds", Float, nullable=False),
)


# --- access (users, roles, API tokens, sessions; nomina.access) — migration 0007 --------

# People who use the interfaces. Never deleted: a user leaves by being disabled, so the
# audit log's actors stay names of someone the register knew.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # admin | analyst | reviewer | liaison | public
    Column("password_hash", Text, nullable=False),  # Argon2id, PHC string
    Column("disabled", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Text, nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
)

# The states of origin a liaison officer deals with (country codes of the reference table).
user_countries = Table(
    "user_countries",
    metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True, autoincrement=False),
    Column("country", String(16), primary_key=True),
)

# Scoped API tokens: only the SHA-256 of the token is kept; the token is shown once.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),  # the token's first characters, to tell it
    Column("scopes", Text, nullable=False),  # space-separated
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

# Browser sessions: only the SHA-256 of the cookie's value is kept.
user_sessions = Table(
    "user_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Failed logins (nomina.access.ratelimit), in the store so that every server process
# counts the same ones; rows older than the login window are deleted as new ones come.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, index=True),  # "user:NAME" or "client:ADDRESS"
    Column("failed_at", Float, nullable=False),  # seconds since the epoch
)

# Name search across scripts: every stored name key of a record (record_keys.name_keys,
# plus its consonant keys as "c:…") as one indexed row, so a search intersects keys in
# SQL. A cache of record_keys (nomina.resolve.search keeps it up to date); `version` is
# the record_keys version the record's rows were made from.
search_keys = Table(
    "search_keys",
    metadata,
    Column("key", String(128), primary_key=True),
    Column(
        "record_id", ForeignKey("records.id"), primary_key=True, autoincrement=False, index=True
    ),
)

search_records = Table(
    "search_records",
    metadata,
    Column("record_id", ForeignKey("records.id"), primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
)
