"""One Splink model on DuckDB and on Spark (local mode): the same pairs, the same numbers.

The Spark tests share one SparkSession (module fixture) and one trained run per engine.
They are skipped where pyspark or Java 17+ is missing, except with CI=true, where that
is a failure.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from nomina.resolve import engines

# Sums run in another order on each engine; measured differences are ~1e-16.
TOLERANCE = 1e-9

GIVEN = (
    "ram bishal sita anil kumar maya arjun deepak suman nima "
    "ivan sergei olga dmitri anna pavel margus chen jun hyun"
).split()
# Repeats make some family names common, for term-frequency adjustment.
FAMILY = (
    "thapa gurung rai tamang magar kim lee park ivanov petrov "
    "sidorov pavlov tamm saar kask thapa thapa kim gurung rai"
).split()
CITIZENSHIP = ("NP", "KP", "RU", "EE", "IN", "NP")


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(len(word) - 1)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def people(persons: int = 240, seed: int = 7) -> pd.DataFrame:
    """Records of `persons` people, about a third recorded twice or more with slips."""
    rng = random.Random(seed)
    records = []
    for _ in range(persons):
        person = {
            "given": [rng.choice(GIVEN)] + ([rng.choice(GIVEN)] if rng.random() < 0.3 else []),
            "family": rng.choice(FAMILY),
            "year": rng.randint(1970, 2004),
            "month": rng.randint(1, 12),
            "day": rng.randint(1, 28),
            "citizenship": rng.choice(CITIZENSHIP),
            "document": f"P{rng.randrange(10**6):06d}" if rng.random() < 0.6 else None,
        }
        copies = 1 + (rng.random() < 0.35) + (rng.random() < 0.12)
        for copy in range(copies):
            record = dict(person)
            if copy:
                if rng.random() < 0.4:
                    record["family"] = _typo(rng, record["family"])
                if rng.random() < 0.3:
                    record["given"] = [_typo(rng, record["given"][0]), *record["given"][1:]]
                if rng.random() < 0.15:
                    record["year"] += rng.choice((-1, 1))
                if rng.random() < 0.1:
                    record["month"], record["day"] = record["day"], record["month"]
                if rng.random() < 0.2:
                    record["month"] = record["day"] = None
                if rng.random() < 0.3:
                    record["document"] = None
            records.append(record)
    rng.shuffle(records)
    frame = pd.DataFrame(
        {
            "unique_id": i,
            "given_name": " ".join(r["given"]),
            "family_name": r["family"],
            "name_keys": sorted({*r["given"], r["family"]}),
            "family_key": r["family"],
            "birth_year": r["year"],
            "birth_month": r["month"],
            "birth_day": r["day"],
            "citizenship": r["citizenship"],
            "document_number": r["document"],
        }
        for i, r in enumerate(records)
    )
    return frame.astype({"birth_month": "Int64", "birth_day": "Int64"})


def settings(link_type: str = "dedupe_only") -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    names = cl.CustomComparison(
        output_column_name="names",
        comparison_levels=[
            cll.NullLevel("name_keys"),
            cll.ArrayIntersectLevel("name_keys", 2).configure(tf_adjustment_column="family_key"),
            cll.ExactMatchLevel("family_key"),
            # SQL both dialects read alike: any shared key.
            cll.CustomLevel(
                "cardinality(array_intersect(name_keys_l, name_keys_r)) >= 1",
                label_for_charts="a name key shared",
            ),
            cll.JaroWinklerLevel("family_name", 0.88),
            cll.ElseLevel(),
        ],
    )
    birth = cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            # DuckDB's SQL (double quotes name columns), translated by Splink for Spark.
            cll.CustomLevel(
                '"birth_year_l" = "birth_year_r" AND "birth_month_l" = "birth_month_r" '
                'AND "birth_day_l" = "birth_day_r"',
                label_for_charts="same date",
                base_dialect_str="duckdb",
            ),
            # Bare names: the same SQL in both dialects.
            cll.CustomLevel(
                "birth_year_l = birth_year_r AND birth_month_l = birth_day_r "
                "AND birth_day_l = birth_month_r",
                label_for_charts="day and month swapped",
            ),
            cll.CustomLevel("birth_year_l = birth_year_r", label_for_charts="same year"),
            cll.CustomLevel(
                "abs(birth_year_l - birth_year_r) <= 1", label_for_charts="years one apart"
            ),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=[
            names,
            cl.JaroWinklerAtThresholds("given_name", [0.92, 0.8]),
            birth,
            cl.ExactMatch("citizenship").configure(term_frequency_adjustments=True),
            cl.ExactMatch("document_number"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("document_number"),
            block_on("name_keys", "birth_year", arrays_to_explode=["name_keys"]),
            block_on("family_key", "citizenship"),
        ],
        retain_intermediate_calculation_columns=True,
    )


def train_and_predict(engine: str, frame: pd.DataFrame) -> tuple[dict[str, Any], pd.DataFrame]:
    """Train on `engine` as nomina does, then score with a linker built from the model's JSON."""
    from splink import Linker, block_on

    linker = Linker(engines.database(engine).register(frame), settings())
    # Every pair, in one chunk: sampling and chunking differ between engines.
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1, num_chunks=1)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("document_number"), block_on("family_key", "given_name", "birth_year")],
        recall=0.8,
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("family_key", "birth_year")
    )
    model = linker.misc.save_model_to_json()
    scorer = Linker(engines.database(engine).register(frame), model)
    predictions = scorer.inference.predict(threshold_match_probability=0.01)
    return model, _by_pair(predictions.as_pandas_dataframe())


def _by_pair(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index(["unique_id_l", "unique_id_r"]).sort_index()


def _parameters(model: dict[str, Any]) -> dict[Any, float | None]:
    found: dict[Any, float | None] = {"λ": model["probability_two_random_records_match"]}
    for comparison in model["comparisons"]:
        for i, level in enumerate(comparison["comparison_levels"]):
            for key in ("m_probability", "u_probability"):
                found[comparison["output_column_name"], i, key] = level.get(key)
    return found


def _assert_same_predictions(duck: pd.DataFrame, spark: pd.DataFrame) -> None:
    assert list(duck.index) == list(spark.index)
    gammas = [column for column in duck.columns if column.startswith("gamma_")]
    assert gammas and (duck[gammas] == spark[gammas]).all().all()
    for column in ("match_probability", "match_weight"):
        assert (duck[column] - spark[column]).abs().max() < TOLERANCE, column


# --- without Spark ------------------------------------------------------------------------


def test_engines_and_unknown_engine():
    assert engines.ENGINES == ("duckdb", "spark")
    with pytest.raises(ValueError, match="unknown engine 'sqlite'"):
        engines.database("sqlite")


def test_spark_without_java_says_what_is_missing(monkeypatch):
    monkeypatch.setattr(engines, "_session", None)
    monkeypatch.setattr(engines, "_java_executable", lambda: None)
    with pytest.raises(engines.EngineUnavailable) as raised:
        engines.database("spark")
    assert str(raised.value).startswith("--engine spark needs pyspark and a Java runtime: ")
    assert "java" in str(raised.value)


def test_model_for_engine_checks_the_settings():
    frame = people(persons=60)
    model, _ = train_and_predict("duckdb", frame)
    again = engines.model_for_engine(settings(), model, "duckdb")
    assert _parameters(again) == _parameters(model)
    other = settings()
    other.comparisons[1] = other.comparisons[4]
    with pytest.raises(ValueError, match="other levels"):
        engines.model_for_engine(other, model, "duckdb")


# --- on Spark -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[None]:
    reason = engines.spark_unavailable_reason()
    if reason is None:
        try:
            engines.spark_session()
        except engines.EngineUnavailable as error:
            reason = str(error)
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Spark is needed with CI=true: {reason}")
        pytest.skip(f"Spark unavailable: {reason}")
    yield
    engines.stop_spark()  # the JVM and its scratch folder, not kept for other modules


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return people()


@pytest.fixture(scope="module")
def runs(spark: None, frame: pd.DataFrame) -> dict[str, tuple[dict[str, Any], pd.DataFrame]]:
    return {engine: train_and_predict(engine, frame) for engine in engines.ENGINES}


def test_spark_trains_the_same_model(runs):
    duck, spark = _parameters(runs["duckdb"][0]), _parameters(runs["spark"][0])
    assert duck.keys() == spark.keys()
    assert sum(value is not None for value in duck.values()) == 27  # λ, and m and u of 13 levels
    for key, value in duck.items():
        if value is None:  # a null level has no m or u
            assert spark[key] is None, key
        else:
            assert abs(value - spark[key]) < TOLERANCE, key


def test_spark_scores_the_same_pairs(runs, frame):
    duck, spark = runs["duckdb"][1], runs["spark"][1]
    assert len(duck) > 50  # the synthetic frame has duplicates to find
    _assert_same_predictions(duck, spark)
    # Every level in play: Jaro-Winkler (given_name 1-2, names 1), the shared-key SQL
    # (names 2), the family name with term frequencies (names 3-4), each birth level.
    assert {0, 1, 2, 3} <= set(duck["gamma_given_name"])
    assert {1, 2, 3, 4} <= set(duck["gamma_names"]) and {1, 2, 3, 4} <= set(duck["gamma_birth"])
    assert (duck["tf_family_key_l"].notna() & (duck["gamma_names"] == 4)).any()


def test_a_model_trained_on_duckdb_links_two_tables_on_spark(runs, frame):
    """link_only with two tables, and a model moved between engines by model_for_engine."""
    from splink import Linker

    model = dict(runs["duckdb"][0], link_type="link_only")
    left, right = frame[frame.unique_id % 2 == 0], frame[frame.unique_id % 2 == 1]
    found = {}
    for engine in engines.ENGINES:
        db = engines.database(engine)
        linker = Linker(
            [db.register(left), db.register(right)],
            engines.model_for_engine(settings("link_only"), model, engine),
        )
        found[engine] = _by_pair(
            linker.inference.predict(threshold_match_probability=0.01)
            .as_pandas_dataframe()
            .drop(columns=["source_dataset_l", "source_dataset_r"])
        )
    assert len(found["duckdb"]) > 20
    _assert_same_predictions(found["duckdb"], found["spark"])


def test_jaro_winkler_on_spark_scores_as_duckdb(spark):
    pairs = [
        ("martha", "marhta"),
        ("sita ivan", "suman anil"),  # the jar's transposition count differs here
        ("anil chen", "nima"),
        ("Тхапа", "Тапа"),  # DuckDB counts UTF-8 bytes
        ("고길동", "고길돈"),
        ("José", "Jose"),
        ("", ""),
        ("", "abc"),
        (None, "abc"),
    ]
    sql = "select a, b, jaro_winkler(a, b) as jw, jaro_sim(a, b) as j from pairs"
    duck_sql = sql.replace("jaro_winkler(", "jaro_winkler_similarity(").replace(
        "jaro_sim(", "jaro_similarity("
    )
    table = pd.DataFrame(pairs, columns=["a", "b"])
    connection = engines.database("duckdb").duckdb_con
    connection.register("pairs", table)
    duck = connection.execute(duck_sql).df()
    db = engines.database("spark")
    db.spark.createDataFrame(table).createOrReplaceTempView("pairs")
    spark = db.spark.sql(sql).toPandas()
    for column in ("jw", "j"):
        assert spark[column].isna().tolist() == duck[column].isna().tolist()
        assert spark[column].fillna(-1).tolist() == duck[column].fillna(-1).tolist(), column


def test_python_functions_run_in_sql_on_both_engines(spark):
    def shared_letters(left: str, right: str) -> float:
        return len(set(left) & set(right)) / len(set(left) | set(right))

    table = pd.DataFrame({"a": ["thapa", "kim", None], "b": ["tapa", "gim", "lee"]})
    sql = "select shared_letters(a, b) as score from words"
    duck = engines.database("duckdb")
    engines.register_function(duck, "shared_letters", shared_letters)
    duck.duckdb_con.register("words", table)
    on_spark = engines.database("spark")
    engines.register_function(on_spark, "shared_letters", shared_letters)
    on_spark.spark.createDataFrame(table).createOrReplaceTempView("words")
    for scores in (duck.duckdb_con.execute(sql).df(), on_spark.spark.sql(sql).toPandas()):
        assert scores["score"].tolist()[:2] == [0.75, 0.5]
        assert scores["score"].isna().tolist() == [False, False, True]


# --- nomina's own model on both engines ---------------------------------------------------


@pytest.fixture(scope="module")
def small_register(tmp_path_factory):
    from nomina.store import open_store
    from nomina.synth import write_world
    from nomina.synth.truth import ingest_world

    folder = tmp_path_factory.mktemp("world")
    write_world(folder, persons=400, seed=12)
    store = open_store(f"sqlite:///{folder / 'register.db'}")
    ingest_world(store, folder)
    yield store
    store.dispose()


def test_nomina_model_scores_the_same_pairs_on_spark(spark, small_register):
    """The model nomina trains (cross-script name keys, custom SQL levels, term
    frequencies), trained once on DuckDB, scores the same pairs on Spark."""
    from nomina.resolve import build_features, train_and_score

    features = build_features(small_register)
    on_duckdb, model = train_and_score(features, engine="duckdb")
    on_spark, _ = train_and_score(features, engine="spark", model=model)
    assert len(on_duckdb) > 100
    assert on_spark.left.tolist() == on_duckdb.left.tolist()
    assert on_spark.right.tolist() == on_duckdb.right.tolist()
    assert abs(on_spark.probability - on_duckdb.probability).max() < TOLERANCE
    first_spark, first_duckdb = on_spark[0].contributions, on_duckdb[0].contributions
    assert first_spark == first_duckdb


def test_given_pairs_score_the_same_on_spark(spark, small_register):
    """Pairs handed in (the ones clustering asks to have weighed), not blocked."""
    from nomina.resolve import build_features, train_and_score
    from nomina.resolve.linkage import score_record_pairs

    features = build_features(small_register)
    scored, model = train_and_score(features, engine="duckdb")
    ids = features.column("unique_id").to_pylist()
    wanted = [(scored.left[i], scored.right[i]) for i in range(0, len(scored), 25)]
    wanted = [(int(a), int(b)) for a, b in wanted] + [(ids[0], ids[-1])]
    on = {
        engine: score_record_pairs(features, wanted, model, engine=engine, floor=0.0)
        for engine in engines.ENGINES
    }
    assert len(on["duckdb"]) == len(wanted)
    assert on["spark"].left.tolist() == on["duckdb"].left.tolist()
    assert on["spark"].right.tolist() == on["duckdb"].right.tolist()
    assert abs(on["spark"].probability - on["duckdb"].probability).max() < TOLERANCE


def test_resolve_runs_on_spark(spark, small_register):
    from nomina.resolve.run import resolve_register

    result = resolve_register(small_register, engine="spark", full=True)
    assert result.mode == "full" and 0 < result.persons < result.records
