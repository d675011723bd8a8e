"""Where Splink runs: DuckDB in process, or Spark in local mode.

`database(engine)` returns a Splink database API. DuckDB is an in-memory connection.
Spark is one local SparkSession per process (master `local[2]`, or `NOMINA_SPARK_MASTER`;
driver memory `NOMINA_SPARK_DRIVER_MEMORY`, default 1g), started on first use (4-8 s)
and stopped at exit, with a scratch folder (checkpoints, shuffle files, log config)
under the system temp directory that is removed with it. Nothing is downloaded: Splink's
similarity jar ships inside the splink wheel and goes on the class path by `spark.jars`
as a local file (no `spark.jars.packages`, no Ivy).

What runs identically on both engines (Splink 5.0.0, pyspark 4.3.0, DuckDB 2.0; checked
by linking one synthetic frame on both, tests/test_resolve_engines.py):

- `ArrayIntersectLevel(col, n)`: Splink writes each dialect's SQL itself,
  `array_length(list_intersect(l, r)) >= n` on DuckDB and
  `SIZE(ARRAY_INTERSECT(l, r)) >= n` on Spark. Same levels, except that Spark counts a
  NULL element both arrays hold and DuckDB does not (keep NULLs out of key arrays).
- `ExactMatch(col).configure(term_frequency_adjustments=True)` and any level with
  `.configure(tf_adjustment_column=...)` (that comparison needs an exact-match level on
  the tf column, as on DuckDB).
- `block_on(..., arrays_to_explode=[...])` on array columns.
- `estimate_probability_two_random_records_match`, `estimate_parameters_using_
  expectation_maximisation`, `inference.predict(threshold_match_probability=...)`:
  the same pairs, the same parameters, probabilities equal to ~1e-12 (sums in another
  order).
- `estimate_u_using_random_sampling`: identical only when nothing is sampled or chunked:
  `max_pairs` at least the number of pairs and `num_chunks=1` (or
  `min_count_per_level=None`). Otherwise each engine draws its own sample (DuckDB's
  and Spark's random and hash functions differ), seed or not: u values agree
  statistically, not digit for digit.
- `save_model_to_json` and `Linker(db.register(frame), model)`: on the engine that
  wrote the model. The JSON holds SQL in the writer's dialect (`list_intersect`,
  `jaro_winkler_similarity`, double-quoted names on DuckDB; `ARRAY_INTERSECT`,
  `jaro_winkler`, backticks on Spark), and Splink does not translate a saved level's
  SQL (sqlglot would turn `list_intersect` into Spark's nonexistent `LIST_INTERSECT`).
  To move a trained model between engines, `model_for_engine` rebuilds the SQL from the
  settings for the target engine and carries the trained parameters over.
- `link_type="link_only"` with two registered tables.
- `CustomLevel` with plain SQL: only if the SQL means the same in both dialects.
  `abs(birth_year_l - birth_year_r) <= 1` and `a_l = b_r` (bare names) do. With double
  quotes, `"a_l" = "b_r"` is a comparison of columns on DuckDB but of two string
  literals on Spark: silently never true, and `abs("birth_year_l" - "birth_year_r")`
  fails (a string minus a string). Write bare names, or pass
  `CustomLevel(sql, base_dialect_str="duckdb")` so that Splink translates (sqlglot;
  quoting and arithmetic translate, DuckDB-only functions do not).
- Python functions in SQL (e.g. a name score): `register_function(db, name, fn)` on
  either engine (a vectorised pandas UDF on Spark, run by this interpreter).

What differs, and what this module does about it:

- Jaro and Jaro-Winkler. `JaroWinklerLevel` / `JaroWinklerAtThresholds` call
  `jaro_winkler_similarity` on DuckDB and `jaro_winkler` on Spark, which Splink's jar
  (scala-udf-similarity 0.2.1) implements with another count of transpositions: on
  name-like strings about 4 % of pairs score differently, by up to 0.06 ("sita ivan" /
  "suman anil": 0.730 on DuckDB, 0.672 from the jar, 0.705 from Spark 4.3's own
  `jaro_winkler_similarity`), enough to move pairs across thresholds (0.7, 0.8, 0.92
  all did). DuckDB's function also works on UTF-8 bytes, not characters ("Тхапа" /
  "Тапа": 0.947 on DuckDB, 0.940 by characters). So on Spark this module replaces
  `jaro_winkler` and `jaro_sim` with rapidfuzz on UTF-8 bytes, which equals DuckDB's
  functions to the last bit (DuckDB uses rapidfuzz's algorithm), empty strings
  included (0.0). Pass `duckdb_similarity=False` to keep the jar's functions.
- DuckDB-only SQL functions do not exist on Spark: `list_has_any`, `list_intersect`,
  `array_length`, `len` fail there (UNRESOLVED_ROUTINE), and Spark's `arrays_overlap`,
  `size`, `array_size` fail on DuckDB. Use Splink's levels (`ArrayIntersectLevel`),
  or SQL both accept: `cardinality(array_intersect(a_l, a_r)) >= 1` (any shared key)
  and `array_contains(a_l, x)` run on both.

Spark in local mode is slow on small inputs: each of Splink's queries costs Spark
0.3-1 s of planning and scheduling whatever its size, so training and scoring a few
hundred records takes 20-40 s against well under a second on DuckDB. It pays off only
beyond one machine's DuckDB.
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
from collections.abc import Callable
from typing import Any

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

        return DuckDBAPI(duckdb.connect())
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
    """A trained model (Splink JSON from any engine) as settings for `engine`.

    The SQL comes from `settings` (the SettingsCreator the model was trained with),
    written for `engine`; the trained parameters (m and u of every level, the share of
    matches) come from `model`. Comparisons and their levels must be the same, in order.
    """
    import json

    from splink.internals.dialects import SplinkDialect

    trained = json.loads(model) if isinstance(model, str) else model
    dialect = SplinkDialect.from_string(_dialect_name(engine)).sql_dialect_str
    target = settings.create_settings_dict(dialect)
    if len(target["comparisons"]) != len(trained["comparisons"]):
        raise ValueError("the model and the settings have different comparisons")
    for built, learnt in zip(target["comparisons"], trained["comparisons"], strict=True):
        name = built.get("output_column_name")
        if name != learnt.get("output_column_name") or len(built["comparison_levels"]) != len(
            learnt["comparison_levels"]
        ):
            raise ValueError(f"comparison {name!r} differs between the model and the settings")
        for level, learnt_level in zip(
            built["comparison_levels"], learnt["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if learnt_level.get(key) is not None:
                    level[key] = learnt_level[key]
    target["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    target["sql_dialect"] = dialect
    return target


def _dialect_name(engine: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")
    return engine


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
    global _session, _workdir
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
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
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
                f"-Dlog4j2.configurationFile=file:{log_config} " + os.environ.get("XJ", ""),
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
        if _workdir is None:
            atexit.register(stop_spark)
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
