"""Probabilistic linkage on Splink: the only module that imports Splink.

Names are compared by `nomina.names.compare_names` (part by part, across scripts),
which the engine calls per candidate pair and bins into levels; partial birth dates
level by level (precision kept, day/month swaps, year ± 1); citizenship, document and
service numbers, and unit exactly. Term-frequency adjustment on the family key makes a
shared "Kim" or "Thapa" count for less than a shared rare name. Candidate pairs come
from blocking on documents, on any shared name key with the birth year, and on any two
shared name parts in any order (`features`). Parameters are trained by EM without
labels, m probabilities get a floor, and the model is returned as JSON for the run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from nomina.names import compare_names

ENGINES = ("duckdb",)


@dataclass(frozen=True)
class ScoredPair:
    left: int
    right: int
    weight: float
    probability: float
    contributions: dict[str, dict[str, Any]]


NAME_SCORE_FUNCTION = "nomina_name_score"


def _name_score(left: str, right: str) -> float:
    return compare_names(left, right)


def _name_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def at_least(score: float, label: str) -> Any:
        sql = f'{NAME_SCORE_FUNCTION}("name_l", "name_r") >= {score}'
        return cll.CustomLevel(sql, label_for_charts=label)

    # Names are compared part by part across scripts by nomina.names (a function the
    # engine calls per candidate pair), then binned into levels EM can weigh.
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            # Splink adjusts for term frequency against an exact-match level on the same
            # column: a shared "kim" or "thapa" says less than a shared rare family name.
            at_least(0.95, "names agree").configure(tf_adjustment_column="family_key"),
            cll.ExactMatchLevel("family_key").configure(
                label_for_charts="family name agrees, given names differ"
            ),
            at_least(0.85, "names agree closely"),
            at_least(0.7, "names similar"),
            at_least(0.5, "names partly agree"),
            cll.ElseLevel(),
        ],
    )


def _birth_date_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def level(sql: str, label: str) -> Any:
        return cll.CustomLevel(sql, label_for_charts=label)

    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.Or(cll.NullLevel("birth_year")),
            level('"birth_date_l" = "birth_date_r"', "same full date"),
            level(
                '"birth_year_l" = "birth_year_r" AND "birth_month_l" = "birth_day_r" '
                'AND "birth_day_l" = "birth_month_r"',
                "day and month swapped",
            ),
            # Dates keep their precision: "1998" meets "1998-03-05" as far as it goes.
            level(
                '"birth_year_l" = "birth_year_r" AND "birth_month_l" = "birth_month_r" '
                'AND ("birth_day_l" IS NULL OR "birth_day_r" IS NULL)',
                "same year and month, day unknown",
            ),
            level(
                '"birth_year_l" = "birth_year_r" '
                'AND ("birth_month_l" IS NULL OR "birth_month_r" IS NULL)',
                "same year, month unknown",
            ),
            level('"birth_year_l" = "birth_year_r"', "same year, month or day differ"),
            level('abs("birth_year_l" - "birth_year_r") <= 1', "years one apart"),
            cll.ElseLevel(),
        ],
    )


def build_settings() -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _name_comparison(),
            _birth_date_comparison(),
            cl.ExactMatch("citizenship"),
            cl.ExactMatch("document_number"),
            cl.ExactMatch("service_number"),
            cl.ExactMatch("military_unit"),
        ],
        # Recall first: a pair no rule proposes can never be linked.
        blocking_rules_to_generate_predictions=[
            block_on("document_number"),
            block_on("service_number"),
            block_on("name_keys", "birth_year", arrays_to_explode=["name_keys"]),
            block_on("name_pairs", arrays_to_explode=["name_pairs"]),
            block_on("family_key", "citizenship", "military_unit"),
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
    )


def _database(engine: str) -> Any:
    # Spark (for registers beyond one machine) comes with the resolve CLI; DuckDB runs
    # in process and needs no server.
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect()
        connection.create_function(
            NAME_SCORE_FUNCTION, _name_score, ["VARCHAR", "VARCHAR"], "DOUBLE", side_effects=False
        )
        return DuckDBAPI(connection)
    raise ValueError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")


def train_and_score(
    features: pd.DataFrame,
    *,
    engine: str = "duckdb",
    floor: float = 0.01,
    progress: Callable[[str], None] | None = None,
) -> tuple[Iterator[ScoredPair], str]:
    """Train the model by EM on `features` and score the candidate pairs.

    Returns pairs with probability ≥ `floor` and the trained model as JSON.
    """
    from splink import Linker, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    say = progress or (lambda _step: None)
    database = _database(engine)
    linker = Linker(database.register(features), build_settings())
    say("estimate u by random sampling")
    linker.training.estimate_u_using_random_sampling(max_pairs=3e5, seed=1)
    say("estimate the share of matches")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("document_number"), block_on("family_key", "given_key", "birth_year")], recall=0.7
    )
    say("train m by EM (blocked on document number)")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("document_number"), fix_probability_two_random_records_match=True
    )
    say("train m by EM (blocked on family name and birth year)")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("family_key", "birth_year"), fix_probability_two_random_records_match=True
    )
    say("train m by EM (blocked on family and given name)")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("family_key", "given_key"), fix_probability_two_random_records_match=True
    )
    model = smoothed(linker.misc.save_model_to_json())
    # Keep gamma_ and bf_ columns: they are the per-comparison explanation of each pair.
    model["retain_intermediate_calculation_columns"] = True
    say("score candidate pairs")
    # A fresh linker from the smoothed model: EM alone leaves some levels at m = 0.
    linker = Linker(_database(engine).register(features), model)
    predictions = linker.inference.predict(threshold_match_probability=floor)
    frame = predictions.as_pandas_dataframe()
    model_json = json.dumps(model, ensure_ascii=False)
    return _scored_pairs(frame, model.get("match_weight_column_prefix") or "mw_"), model_json


# EM on blocked pairs sees few matches that disagree on a field, and may set such a
# level's m to 0: one typo in a unit or citizenship would then veto a match outright
# (-30 bits and more). A floor on m (additive smoothing) keeps every level's evidence
# finite; it is a property of the estimator, not tuned to any data set.
M_FLOOR = 0.005


def smoothed(model: dict[str, Any]) -> dict[str, Any]:
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("m_probability") is None:
                continue
            level["m_probability"] = max(level["m_probability"], M_FLOOR)
    return model


def _number(value: Any) -> float:
    """A weight from the frame; a missing one (None, NaN) adds nothing."""
    return 0.0 if value is None or value != value else float(value)


def _scored_pairs(frame: pd.DataFrame, prefix: str = "mw_") -> Iterator[ScoredPair]:
    """Pairs with each comparison's match weight (term-frequency adjustment included)."""
    tf_prefix = f"{prefix}tf_adj_"
    comparisons = [
        c.removeprefix(prefix)
        for c in frame.columns
        if c.startswith(prefix) and not c.startswith(tf_prefix)
    ]
    for row in frame.itertuples(index=False):
        values = row._asdict()
        contributions = {}
        for name in comparisons:
            weight = _number(values[f"{prefix}{name}"]) + _number(values.get(f"{tf_prefix}{name}"))
            contributions[name] = {"weight": round(weight, 3)}
        left, right = int(values["unique_id_l"]), int(values["unique_id_r"])
        yield ScoredPair(
            left=min(left, right),
            right=max(left, right),
            weight=float(values["match_weight"]),
            probability=float(values["match_probability"]),
            contributions=contributions,
        )
