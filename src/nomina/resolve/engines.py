"""Where Splink runs: DuckDB in process, or Spark in local mode.

`database(engine)` returns a Splink database API: for "duckdb" a fresh in-memory
connection; for "spark" one local SparkSession per process (master `local[2]` or
`NOMINA_SPARK_MASTER`, driver memory 1g or `NOMINA_SPARK_DRIVER_MEMORY`, 8 shuffle
partitions, no UI, logs at ERROR), started on first use and stopped at exit. Its scratch
folder (checkpoints, where Splink writes intermediate tables as parquet; shuffle files;
the log config) lies under the system temp directory and is removed with it. Nothing is
downloaded: Splink's similarity jar ships in the splink wheel and goes on the class path
as a local file (`spark.jars`; no `spark.jars.packages`, no Ivy). Python workers (the
functions below) run this interpreter (`PYSPARK_PYTHON`, unless already set).

Checked by running one model on both engines (Splink 5.0.0, pyspark 4.3.0, DuckDB 2.0,
Java 17; tests/test_resolve_engines.py). The same on both, to ~1e-16 (sums in another
order):

- `ArrayIntersectLevel(col, n)`: Splink writes each dialect's SQL,
  `array_length(list_intersect(l, r)) >= n` / `SIZE(ARRAY_INTERSECT(l, r)) >= n`. (Spark
  counts a NULL element both arrays hold and DuckDB does not: keep NULLs out of arrays.)
- `ExactMatch(col).configure(term_frequency_adjustments=True)`, and levels with
  `.configure(tf_adjustment_column=...)` (given an exact-match level on that column in
  the comparison, on either engine).
- `block_on(..., arrays_to_explode=[...])` on array columns.
- `estimate_probability_two_random_records_match`, `estimate_parameters_using_
  expectation_maximisation`, `inference.predict(threshold_match_probability=...)`.
- `estimate_u_using_random_sampling` only when nothing is sampled or chunked: `max_pairs`
  above the number of pairs and `num_chunks=1` (or `min_count_per_level=None`).
  Otherwise each engine draws its own sample and chunks by its own hash function, seed
  or not: u agrees statistically, not digit for digit.
- `save_model_to_json`, then `Linker(db.register(frame), model)` on the engine that wrote
  it. Not across engines: the JSON holds each level's SQL in the writer's dialect
  (`list_intersect`, `jaro_winkler_similarity`, "quoted" names from DuckDB; backticks,
  `ARRAY_INTERSECT`, `jaro_winkler` from Spark) and Splink reruns it untranslated.
  `model_for_engine(settings, model, engine)` rewrites the SQL from the settings for the
  other engine and keeps the trained parameters.
- `link_type="link_only"` with two registered tables.
- `CustomLevel` whose SQL means the same in both dialects: bare names
  (`abs(birth_year_l - birth_year_r) <= 1`, `a_l = b_r`), or DuckDB's SQL with
  `base_dialect_str="duckdb"`, which Splink translates by sqlglot. Without it, double
  quotes are string literals on Spark: `"a_l" = "b_r"` is silently never true and
  `abs("birth_year_l" - "birth_year_r")` fails (a string minus a string).
- `damerau_levenshtein` (the jar's, a double) and `levenshtein` (Spark's) on ASCII. On
  other text DuckDB counts UTF-8 bytes and Spark characters (Тхапа / Тапа: 2 and 1).
- Python functions in SQL: `register_function(db, name, fn)` on either engine (a
  vectorised pandas UDF on Spark).

Different, and what to do:

- Jaro-Winkler. `JaroWinklerLevel` and `JaroWinklerAtThresholds` call DuckDB's
  `jaro_winkler_similarity` and, on Spark, the jar's `jaro_winkler`
  (scala-udf-similarity 0.2.1), which counts transpositions differently: 4 % of
  name-like pairs scored apart, by up to 0.06 ("sita ivan" / "suman anil": 0.730 on
  DuckDB, 0.672 from the jar, 0.705 from Spark 4.3's own `jaro_winkler_similarity`),
  across the thresholds 0.7, 0.8 and 0.92; a trained model's probabilities moved by up
  to 0.007. DuckDB's also counts UTF-8 bytes, not characters (Тхапа / Тапа: 0.947 against
  0.940). So `database("spark")` replaces `jaro_winkler` and `jaro_sim` with rapidfuzz on
  UTF-8 bytes, equal to DuckDB's to the last bit (DuckDB's is rapidfuzz's algorithm), 0.0
  for an empty string, NULL for NULL; it costs a Python worker per task (a linkage run
  30-40 % slower). `database("spark", duckdb_similarity=False)` keeps the jar's.
- DuckDB's list functions do not exist on Spark (`list_has_any`, `list_intersect`,
  `array_length`, `len`: UNRESOLVED_ROUTINE), nor Spark's on DuckDB (`arrays_overlap`,
  `size`, `array_size`). sqlglot does not bridge them: with `base_dialect_str="duckdb"`,
  `list_has_any(a, b)` becomes `a && b`, a syntax error on Spark, and `list_intersect`
  stays `LIST_INTERSECT`. Use Splink's `ArrayIntersectLevel`, or SQL both engines run:
  `cardinality(array_intersect(a_l, b_r)) > 0` for "share an element" (with or without
  `base_dialect_str="duckdb"`; as a level's condition it is true exactly when
  `list_has_any` is), and `array_contains(a_l, x)`.

Spark in local mode is slow on small inputs: each of Splink's many queries costs
0.3-1 s of planning and scheduling whatever its size, and the JVM is cold for the first
run. Training and scoring 340 records took 0.7 s on DuckDB and 21-25 s on Spark warm,
35-50 s cold, after 4-9 s to start the session (two cores). Spark earns its keep only
beyond what one machine's DuckDB can hold. The JVM takes about 1.1 GB resident with 1g
of heap; each Python worker 50-175 MB.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

ENGINES = ("duckdb", "spark")

SPARK_MASTER_ENV = "NOMINA_SPARK_MASTER"
SPARK_MEMORY_ENV = "NOMINA_SPARK_DRIVER_MEMORY"
DEFAULT_SPARK_MASTER = "local[2]"
DEFAULT_SPARK_DRIVER_MEMORY = "1g"
SHUFFLE_PARTITIONS = 8
MIN_JAVA = 17

_NEEDS = "--engine spark needs pyspark and a Java runtime"


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot run here (a missing package or runtime)."""


def database(engine: str, *, duckdb_similarity: bool = True) -> Any:
    """A Splink database API on `engine`: a fresh in-memory DuckDB, or the process's Spark.

    On Spark, `duckdb_similarity` makes `jaro_winkler` and `jaro_sim` score as DuckDB's
    `jaro_winkler_similarity` and `jaro_similarity` do (see the module's notes).
    """
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        spill = tempfile.mkdtemp(prefix="nomina-duckdb-")
        connection = duckdb.connect(
            config={"memory_limit": duckdb_memory_limit(), "temp_directory": spill}
        )
        api = DuckDBAPI(connection)
        _duckdb_connections[api] = connection
        weakref.finalize(api, shutil.rmtree, spill, True)
        return api
    if engine == "spark":
        session = spark_session()
        from splink import SparkAPI

        # The jar is on the session's class path; SparkAPI registers its functions
        # (jaro_winkler, jaro_sim, damerau_levenshtein, ...) by class name.
        api = SparkAPI(spark_session=session)
        if duckdb_similarity:
            _register_duckdb_similarity(session)
        return api
    raise ValueError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")


@contextmanager
def opened_database(engine: str) -> Iterator[Any]:
    """`database(engine)` for the length of a block; a DuckDB connection is closed at its
    end, so that its buffers (up to `duckdb_memory_limit`) are given back at once rather
    than when the collector finds Splink's objects, which hold one another."""
    db = database(engine)
    try:
        yield db
    finally:
        connection = _duckdb_connections.pop(db, None)
        if connection is not None:
            connection.close()


def duckdb_memory_limit() -> str:
    """How much memory DuckDB may hold before it spills to its temp folder: the
    `NOMINA_DUCKDB_MEMORY` setting, or 2GB. An in-memory DuckDB spills only where it
    has a folder to spill to (each connection gets one, removed with it); without a
    limit it holds up to 80 % of the machine (at a million records the blocking joins
    took 5.6 GB)."""
    return os.environ.get("NOMINA_DUCKDB_MEMORY", "2GB")


# The DuckDB connection behind each API this module made (Splink keeps it private).
_duckdb_connections: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def query_arrow(db: Any, sql: str) -> pa.Table:
    """Run one query (written with double-quoted identifiers) on the engine behind a
    database API made by `database`, and read the result as an Arrow table."""
    connection = _duckdb_connections.get(db)
    if connection is not None:
        return connection.sql(sql).to_arrow_table()
    if hasattr(db, "spark"):
        return db.spark.sql(sql.replace('"', "`")).toArrow()
    raise ValueError(f"{type(db).__name__} was not made by nomina.resolve.engines.database")


def register_function(db: Any, name: str, function: Callable[[str, str], float | None]) -> None:
    """Make a Python function of two strings (to a float) callable by `name` in Splink's SQL.

    NULL in, NULL out, on both engines (DuckDB's default for a Python function).
    """
    from splink.internals.duckdb.database_api import DuckDBAPI

    if isinstance(db, DuckDBAPI):
        db.duckdb_con.create_function(
            name, function, ["VARCHAR", "VARCHAR"], "DOUBLE", side_effects=False
        )
        return
    if db.sql_dialect.sql_dialect_str == "spark":
        import pandas as pd

        def scores(left: pd.Series, right: pd.Series) -> pd.Series:
            values = [
                None if a is None or b is None else _float_or_none(function(a, b))
                for a, b in zip(left, right, strict=True)
            ]
            return pd.Series(values, index=left.index, dtype="Float64")

        db.spark.udf.register(name, _pandas_udf(scores))
        return
    raise TypeError(f"cannot register a function on {type(db).__name__}")


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _pandas_udf(scores: Callable[[Any, Any], Any]) -> Any:
    """A vectorised Spark UDF (two string Series to a double Series) from `scores`."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    # pyspark reads the kind of UDF from the annotations, which must be real types.
    scores.__annotations__ = {"left": pd.Series, "right": pd.Series, "return": pd.Series}
    return pandas_udf(scores, "double")  # type: ignore[call-overload]


def model_for_engine(settings: Any, model: dict[str, Any] | str, engine: str) -> dict[str, Any]:
    """A trained model (Splink's JSON, from either engine) with its SQL written for `engine`.

    Every level's SQL and the blocking rules come from `settings` (the SettingsCreator
    the model was trained with) for `engine`; everything else (m and u of each level,
    the share of matches, the options) comes from `model`. The comparisons and their
    levels must be the same and in the same order (their labels are checked).
    """
    import json

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")
    trained = json.loads(model) if isinstance(model, str) else json.loads(json.dumps(model))
    target = settings.create_settings_dict(engine)
    comparisons = trained["comparisons"]
    if len(target["comparisons"]) != len(comparisons):
        raise ValueError("the model and the settings have different comparisons")
    for built, learnt in zip(target["comparisons"], comparisons, strict=True):
        labels = [level.get("label_for_charts") for level in built["comparison_levels"]]
        if labels != [level.get("label_for_charts") for level in learnt["comparison_levels"]]:
            name = learnt.get("output_column_name")
            raise ValueError(
                f"comparison {name!r} has other levels in the model than in the settings"
            )
        for level, learnt_level in zip(
            built["comparison_levels"], learnt["comparison_levels"], strict=True
        ):
            learnt_level["sql_condition"] = level["sql_condition"]
    trained["blocking_rules_to_generate_predictions"] = target[
        "blocking_rules_to_generate_predictions"
    ]
    trained["sql_dialect"] = engine
    return trained


# --- Jaro and Jaro-Winkler on Spark as DuckDB computes them ------------------------------


def _duckdb_like(metric: str) -> Callable[[Any, Any], Any]:
    """A pandas UDF body: rapidfuzz's `metric` ("Jaro", "JaroWinkler") on UTF-8 bytes,
    NULL for NULL, 0.0 for an empty string, as DuckDB's functions do."""

    def scores(left: Any, right: Any) -> Any:
        import numpy as np
        import pandas as pd
        from rapidfuzz import distance, process

        # Looked up in the worker: rapidfuzz's compiled functions do not pickle.
        scorer = getattr(distance, metric).similarity

        present = (left.notna() & right.notna()).to_numpy()
        result = pd.Series(pd.NA, index=left.index, dtype="Float64")
        if present.any():
            lefts = [value.encode("utf-8") for value in left[present]]
            rights = [value.encode("utf-8") for value in right[present]]
            values = process.cpdist(lefts, rights, scorer=scorer, dtype=np.float64, workers=1)
            empty = np.array([not a or not b for a, b in zip(lefts, rights, strict=True)])
            values[empty] = 0.0
            result[present] = values
        return result

    return scores


def _register_duckdb_similarity(session: Any) -> None:
    for name, metric in (("jaro_winkler", "JaroWinkler"), ("jaro_sim", "Jaro")):
        session.udf.register(name, _pandas_udf(_duckdb_like(metric)))


# --- the process's SparkSession ---------------------------------------------------------

_lock = threading.Lock()
_session: Any = None
_workdir: str | None = None
_stop_at_exit = False


def spark_unavailable_reason() -> str | None:
    """Why Spark cannot start here, or None when pyspark and Java 17+ are present."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'nomina[spark]')"
    java = _java_executable()
    if java is None:
        return "no java executable (install Java 17+, set JAVA_HOME or put java on PATH)"
    version = _java_major_version(java)
    if version is None:
        return f"{java} -version did not run"
    if version < MIN_JAVA:
        return f"{java} is Java {version}; Spark 4 needs Java {MIN_JAVA}+"
    return None


def _java_executable() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = os.path.join(home, "bin", "java")
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("java")


def _java_major_version(java: str) -> int | None:
    try:
        done = subprocess.run(  # noqa: S603 - a path we found, fixed arguments
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr + done.stdout)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major  # "1.8.0_392" is Java 8


def spark_session() -> Any:
    """The process's one local SparkSession, started on first use."""
    global _session, _workdir, _stop_at_exit
    with _lock:
        if _session is not None and _session.sparkContext._jsc is not None:
            return _session
        reason = spark_unavailable_reason()
        if reason:
            raise EngineUnavailable(f"{_NEEDS}: {reason}")
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        jar = similarity_jar_location()
        if not os.path.isfile(jar):
            raise EngineUnavailable(f"{_NEEDS}: Splink's similarity jar is missing at {jar}")
        workdir = tempfile.mkdtemp(prefix="nomina-spark-")
        log_config = os.path.join(workdir, "log4j2.properties")
        with open(log_config, "w", encoding="utf-8") as handle:
            handle.write(_LOG4J2)
        # Python workers (for Python functions in SQL) must run this interpreter, whose
        # environment has nomina and rapidfuzz; pyspark's default is `python3` on PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = (
            SparkSession.builder.master(os.environ.get(SPARK_MASTER_ENV) or DEFAULT_SPARK_MASTER)
            .appName("nomina")
            .config("spark.jars", jar)
            .config(
                "spark.driver.memory",
                os.environ.get(SPARK_MEMORY_ENV) or DEFAULT_SPARK_DRIVER_MEMORY,
            )
            .config(
                "spark.driver.extraJavaOptions",
                f"-Dlog4j2.configurationFile=file:{log_config}",
            )
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
            .config("spark.default.parallelism", str(SHUFFLE_PARTITIONS))
            .config("spark.local.dir", os.path.join(workdir, "local"))
            .config("spark.sql.warehouse.dir", os.path.join(workdir, "warehouse"))
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        )
        try:
            session = builder.getOrCreate()
        except Exception as error:  # the JVM did not start: wrong Java, no memory, ...
            shutil.rmtree(workdir, ignore_errors=True)
            raise EngineUnavailable(f"{_NEEDS}: Spark did not start: {error}") from error
        session.sparkContext.setLogLevel("ERROR")
        # Splink writes intermediate tables as parquet under the checkpoint folder.
        session.sparkContext.setCheckpointDir(os.path.join(workdir, "checkpoints"))
        # pyspark logs each failing SQL statement with a JVM stack trace before raising it.
        for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        if not _stop_at_exit:
            atexit.register(stop_spark)
            _stop_at_exit = True
        _session, _workdir = session, workdir
        return session


def stop_spark() -> None:
    """Stop the process's SparkSession and remove its scratch folder."""
    global _session, _workdir
    with _lock:
        if _session is not None:
            try:
                _session.stop()
            except Exception:  # noqa: S110 - at exit the JVM may be gone already
                pass
        if _workdir is not None:
            shutil.rmtree(_workdir, ignore_errors=True)
        _session, _workdir = None, None


_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
"""
