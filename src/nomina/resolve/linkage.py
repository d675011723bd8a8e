"""Probabilistic linkage on Splink: the only module that imports Splink.

Every comparison is plain SQL over the keys `features` computed once per record, so the
same model runs on DuckDB (in process, the default) and on Spark, and a million records
need no Python call per pair:

* family name, given name and patronymic, each by levels: the units share a key (the
  same name in any script and any of its romanisations: Тхапа ~ Thapa ~ थापा), the two
  records swap family and given name, the first units differ by a letter (Jaro–Winkler on
  the skeleton), they share only a consonant key (محمد ~ Muhammad, Toshv ~ Toshev), an
  initial agrees; a family name term-frequency adjusted (a shared "Kim" or "Thapa" says
  less than a shared rare name);
* birth year (exact, one apart, two apart) and, separately, month and day (same, day and
  month swapped, same month): a record that knows only the year meets a full date as far
  as it goes, and no further, instead of falling into a "partial date" level that EM
  would weigh by how often partial dates occur;
* citizenship, unit, service number exactly; document number exactly or one slip apart;
  place of birth exactly or nearly. Citizenship agreeing between records whose names
  already agree counts for nothing (see `_citizenship_comparison`).

Candidate pairs come from blocking on documents, on any shared name key with the birth
year, on any two shared name units in any order, and on a family key with the given
initial (or a given key with the family name's first letters). Parameters are trained by
EM without labels, m probabilities get a floor, and the model is returned as JSON.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nomina.resolve.engines import model_for_engine, opened_database, query_arrow


@dataclass(frozen=True)
class ScoredPair:
    left: int
    right: int
    weight: float
    probability: float
    contributions: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class ScoredPairs:
    """Scored candidate pairs as columns (left < right), one entry per pair: a million
    pairs stay a few arrays, not a million objects."""

    left: np.ndarray
    right: np.ndarray
    weight: np.ndarray
    probability: np.ndarray
    # JSON per pair, see `_compact`; large_string: at a million records the explanations
    # pass the 2 GiB a plain string array can hold.
    contributions: pa.LargeStringArray

    def __len__(self) -> int:
        return len(self.left)

    def __iter__(self) -> Iterator[ScoredPair]:
        for i in range(len(self.left)):
            yield self[i]

    @classmethod
    def empty(cls) -> ScoredPairs:
        ids = np.zeros(0, np.int64)
        return cls(ids, ids, np.zeros(0), np.zeros(0), pa.array([], pa.large_string()))

    @classmethod
    def concatenated(cls, parts: Sequence[ScoredPairs]) -> ScoredPairs:
        """Parts joined, ordered by (left, right) as one query would have given them."""
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        left = np.concatenate([p.left for p in parts])
        right = np.concatenate([p.right for p in parts])
        order = np.lexsort((right, left))
        contributions = pa.concat_arrays([p.contributions for p in parts])  # all large_string
        return cls(
            left=left[order],
            right=right[order],
            weight=np.concatenate([p.weight for p in parts])[order],
            probability=np.concatenate([p.probability for p in parts])[order],
            contributions=contributions.take(pa.array(order)),
        )

    def __getitem__(self, i: int) -> ScoredPair:
        return ScoredPair(
            left=int(self.left[i]),
            right=int(self.right[i]),
            weight=float(self.weight[i]),
            probability=float(self.probability[i]),
            contributions=json.loads(self.contributions[i].as_py()),
        )


def _level(sql: str, label: str) -> Any:
    import splink.comparison_level_library as cll

    # Written in DuckDB's SQL; Splink translates it for other engines.
    return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str="duckdb")


def _overlap(left: str, right: str) -> str:
    """Two arrays share an element, in SQL both engines read (DuckDB's list_has_any has
    no Spark form that Splink's translation finds)."""
    return f'cardinality(array_intersect("{left}", "{right}")) > 0'


def _swapped(left: str, right: str) -> str:
    return f"{_overlap(f'{left}_l', f'{right}_r')} AND {_overlap(f'{right}_l', f'{left}_r')}"


def _family_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_levels=[
            cll.NullLevel("family_key"),
            # Term frequencies need an exact-match level on their column (Splink): a
            # shared "kim" or "thapa" says less than a shared rare family name.
            cll.ExactMatchLevel("family_key").configure(
                label_for_charts="family names spelt alike", tf_adjustment_column="family_key"
            ),
            cll.ArrayIntersectLevel("family_keys", 1).configure(
                label_for_charts="family names agree", tf_adjustment_column="family_key"
            ),
            # Edits, not Jaro-Winkler: long names sharing a prefix (Muhammadazizov,
            # Muhammadsafoev) are not one slip apart.
            cll.DamerauLevenshteinLevel("family_key", 1).configure(
                label_for_charts="family names one slip apart"
            ),
            # A swap of family and given name is weak evidence on its own: short names
            # (Korean syllables above all) share a reading by chance.
            _level(
                _overlap("family_consonants_l", "family_consonants_r")
                + " OR "
                + _swapped("family_keys", "given_keys"),
                "family names share their consonants, or family and given name swapped",
            ),
            _level(
                'damerau_levenshtein("family_key_l", "family_key_r") <= 2 '
                'AND length("family_key_l") >= 6',
                "long family names two slips apart",
            ),
            cll.ElseLevel(),
        ],
    )


# Further given names (Bahadur in Ram Bahadur, Su in Jong Su) agree, or one side has none.
_OTHER_GIVEN_AGREE = (
    '("other_given_keys_l" IS NULL OR "other_given_keys_r" IS NULL OR '
    + _overlap("other_given_keys_l", "other_given_keys_r")
    + ")"
)


def _given_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given_key"),
            # Term-frequency adjusted on the whole given name: a shared "Muhammad" or
            # "Ram Bahadur" says less than a shared rare one.
            cll.ExactMatchLevel("given_name_key").configure(
                label_for_charts="given names spelt alike", tf_adjustment_column="given_name_key"
            ),
            _level(
                _overlap("first_given_keys_l", "first_given_keys_r") + " AND " + _OTHER_GIVEN_AGREE,
                "given names agree",
            ),
            cll.ArrayIntersectLevel("first_given_keys", 1).configure(
                label_for_charts="first given names agree, further ones differ"
            ),
            cll.DamerauLevenshteinLevel("given_key", 1).configure(
                label_for_charts="first given names one slip apart"
            ),
            _level(
                _overlap("given_consonants_l", "given_consonants_r")
                + " OR "
                + _swapped("given_keys", "family_keys"),
                "first given names share their consonants, or family and given name swapped",
            ),
            cll.ExactMatchLevel("given_initial").configure(label_for_charts="initials agree"),
            cll.ElseLevel(),
        ],
    )


def _patronymic_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="patronymic",
        comparison_levels=[
            cll.NullLevel("patronymic_keys"),
            cll.ArrayIntersectLevel("patronymic_keys", 1).configure(
                label_for_charts="patronymics agree"
            ),
            cll.ElseLevel(),
        ],
    )


def _birth_year_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="birth_year",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("birth_year").configure(label_for_charts="same birth year"),
            _level('abs("birth_year_l" - "birth_year_r") <= 1', "birth years one apart"),
            _level('abs("birth_year_l" - "birth_year_r") <= 2', "birth years two apart"),
            cll.ElseLevel(),
        ],
    )


def _birth_day_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    # Unknown unless both records know the month: a year-only date neither agrees nor
    # disagrees on the day.
    null = _level(
        '"birth_month_l" IS NULL OR "birth_month_r" IS NULL', "month unknown on one side"
    ).configure(is_null_level=True)
    return cl.CustomComparison(
        output_column_name="birth_day",
        comparison_levels=[
            null,
            _level(
                '"birth_month_l" = "birth_month_r" AND "birth_day_l" = "birth_day_r"',
                "same month and day",
            ),
            _level(
                '"birth_month_l" = "birth_day_r" AND "birth_day_l" = "birth_month_r"',
                "day and month swapped",
            ),
            _level(
                '"birth_month_l" = "birth_month_r" '
                'AND ("birth_day_l" IS NULL OR "birth_day_r" IS NULL)',
                "same month, day unknown on one side",
            ),
            _level('"birth_day_l" = "birth_day_r"', "same day, months differ"),
            cll.ElseLevel(),
        ],
    )


def _document_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="document_number",
        comparison_levels=[
            cll.NullLevel("document_number"),
            cll.ExactMatchLevel("document_number"),
            cll.DamerauLevenshteinLevel("document_number", 1).configure(
                label_for_charts="one character apart (a slip)"
            ),
            cll.ElseLevel(),
        ],
    )


# Names and citizenship are not independent: two records sharing a Tajik name are both
# Tajik. Fellegi-Sunter multiplies the evidence of each comparison as if independent, so
# a shared citizenship would count a second time what the shared name already said
# (measured on a synthetic world of 62k records: three false strong pairs in four were
# namesakes lifted over the threshold by exactly that). The model is trained with a
# plain citizenship comparison; for scoring, a level is added before "same citizenship"
# that takes the pairs whose first given names also agree, and their family names or
# their fathers' names, and gives them a Bayes factor of 1 (`carry_citizenship`).
# Disagreement still counts against. The father's name counts as the family's: a Kyrgyz
# "Melis Tilek uulu" has no other (the passport's surname field reads TILEK UULU), and
# given name with patronymic is how Russian lists tell namesakes apart (at a million
# synthetic records, 27k of 350k false pairs above 0.5 were namesakes of this form with
# the citizenship counted on top).
NAMES_AGREE_SQL = (
    _overlap("first_given_keys_l", "first_given_keys_r")
    + " AND ("
    + _overlap("family_keys_l", "family_keys_r")
    + " OR "
    + _overlap("patronymic_keys_l", "patronymic_keys_r")
    + ")"
)
CARRIED_LABEL = "same citizenship, carried by names that agree"
CARRIED_SQL = f'"citizenship_l" = "citizenship_r" AND {NAMES_AGREE_SQL}'


def _citizenship_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    # The labels of the other levels are those of Splink's ExactMatch, which trains it.
    return cl.CustomComparison(
        output_column_name="citizenship",
        comparison_levels=[
            cll.NullLevel("citizenship"),
            _level(CARRIED_SQL, CARRIED_LABEL),
            cll.ExactMatchLevel("citizenship"),
            cll.ElseLevel(),
        ],
    )


def carry_citizenship(model: dict[str, Any]) -> dict[str, Any]:
    """The model with the level `_citizenship_comparison` adds for scoring (a model
    trained on the plain comparison, or kept from a run before the level existed)."""
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        if comparison["output_column_name"] != "citizenship" or any(
            level.get("label_for_charts") == CARRIED_LABEL for level in levels
        ):
            continue
        same = next(i for i, level in enumerate(levels) if level["sql_condition"] != "ELSE"
                    and not level.get("is_null_level"))  # fmt: skip
        u = levels[same].get("u_probability") or 1 / U_SAMPLE
        carried = {
            "sql_condition": CARRIED_SQL,
            "label_for_charts": CARRIED_LABEL,
            "m_probability": u,  # m = u: a Bayes factor of 1
            "u_probability": u,
        }
        levels.insert(same, carried)
    return model


def _exact(column: str) -> Callable[[], Any]:
    def comparison() -> Any:
        import splink.comparison_library as cl

        return cl.ExactMatch(column)

    return comparison


def _birth_place_comparison() -> Any:
    import splink.comparison_library as cl

    return cl.JaroWinklerAtThresholds("birth_place", [0.9])


def _residence_comparison() -> Any:
    import splink.comparison_library as cl

    # Addresses are long: a slip or two leaves Jaro-Winkler high, another street does not.
    return cl.JaroWinklerAtThresholds("residence", [0.95, 0.85])


# (the column a comparison needs, the comparison): a field no record carries is left out,
# so the model has no level it could never train.
COMPARISONS: tuple[tuple[str, Callable[[], Any]], ...] = (
    ("family_key", _family_comparison),
    ("given_key", _given_comparison),
    ("patronymic_keys", _patronymic_comparison),
    ("birth_year", _birth_year_comparison),
    ("birth_month", _birth_day_comparison),
    ("citizenship", _citizenship_comparison),  # trained as _exact("citizenship")
    ("document_number", _document_comparison),
    ("service_number", _exact("service_number")),
    ("military_unit", _exact("military_unit")),
    ("birth_place", _birth_place_comparison),
    ("residence", _residence_comparison),
)

# A pair no rule proposes can never be linked, and every pair proposed costs: each rule
# joins on something two records of one person share (measured on the synthetic world:
# 89-90% of true pairs for a quarter of the pairs of looser rules on family name and
# initial alone) and keeps blocks small enough for a million records.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("number_slip_keys",),  # a document or service number, equal or one slip apart
    ("name_pairs",),  # two name units in common, any order, any script
    ("name_keys", "birth_year", "birth_month"),  # one unit and the month of birth
    ("family_given_consonants",),  # given name respelt (Aibek, Ajybek)
    ("given_family_consonants",),  # family name respelt (Toshev, Toshv)
    ("family_key", "given_initial", "birth_year"),
)

# Blocking keys made of two features: one name's key joined to the other name's
# consonant keys (a record "Kim Minjun" holds "kim|mnjn"). Built for scoring only
# (`blocking_keys`), so that they can be capped like the name pairs.
COMPOSITE_KEYS: dict[str, tuple[str, str]] = {
    "family_given_consonants": ("family_key", "given_consonants"),
    "given_family_consonants": ("given_key", "family_consonants"),
}


# A name key that many records share proposes pairs by the square of their number, and
# those pairs cannot pass PAIR_FLOOR on the names alone: the shared name is common, so
# its term frequency makes it weak evidence (at a million synthetic records, keys held by
# more than 50 records proposed two thirds of 36 million candidate pairs, of which 2.5
# million passed the floor; after the name pairs were capped, the family name with the
# given name's consonants still proposed 13 of 22 million pairs from such keys). Such
# keys are left out of the name-only rules; the pairs that carry more than a name (a
# birth date, a number) are still proposed by the other rules. Registers of a few
# thousand records have no key this common. The cap need not grow with the register:
# sharing a key c of N records hold multiplies the odds by about N/c, and the prior
# odds of a pair are about 1/N, so what the key says of a pair depends on c.
# Lowered from 50 to 20: at a million synthetic records, 13.5 → 8.3 million candidate
# pairs and scoring 23 s faster; of the pairs above the threshold, 32,000 false and
# 6,300 true ones no longer proposed. Pairwise F1 0.688 → 0.702 there, 0.790 → 0.798
# at 200k, unchanged at 20k and on FEBRL (10 did better at 20k and a million, worse
# at 200k).
NAME_BLOCK_CAP = 20
CAPPED_KEYS = ("name_pairs", *COMPOSITE_KEYS)


def blocking_keys(features: pa.Table, cap: int = NAME_BLOCK_CAP) -> pa.Table:
    """`features` with the composite keys added (`COMPOSITE_KEYS`), and the keys of the
    name-only rules (`CAPPED_KEYS`) held by more than `cap` records removed."""
    for name, (key, consonants) in COMPOSITE_KEYS.items():
        if {key, consonants} <= set(features.column_names) and name not in features.column_names:
            features = features.append_column(
                name, _joined_keys(features.column(key), features.column(consonants))
            )
    for name in CAPPED_KEYS:
        if name in features.column_names:
            index = features.schema.get_field_index(name)
            capped = _capped(features.column(name).combine_chunks(), cap)
            features = features.set_column(index, features.schema.field(index), capped)
    return features


def _lists(values: pa.Array, owners: np.ndarray, rows: int) -> pa.Array:
    """A list array of `rows` rows from flat `values` and the row each belongs to (in row
    order); rows left without a value are null, as a record without keys is."""
    lengths = np.bincount(owners, minlength=rows)
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]), pa.int32())
    lists = pa.ListArray.from_arrays(offsets, values)
    emptied = pc.equal(pc.list_value_length(lists), 0)
    return pc.if_else(emptied, pa.scalar(None, lists.type), lists)


def _joined_keys(keys: pa.ChunkedArray, lists: pa.ChunkedArray) -> pa.Array:
    """Each row's `keys` value joined by "|" to each value of its `lists` row."""
    column = lists.combine_chunks()
    owners = pc.list_parent_indices(column)
    joined = pc.binary_join_element_wise(
        pc.take(keys.combine_chunks(), owners), pc.list_flatten(column), "|"
    )
    present = pc.is_valid(joined)  # a record without the key has no composite key
    return _lists(joined.filter(present), owners.filter(present).to_numpy(), len(column))


def _capped(column: pa.Array, cap: int) -> pa.Array:
    flat = pc.list_flatten(column)
    counts = pc.value_counts(flat)
    common = counts.field("values").filter(pc.greater(counts.field("counts"), cap))
    if not len(common):
        return column
    keep = pc.invert(pc.is_in(flat, value_set=common))
    owners = pc.list_parent_indices(column).filter(keep).to_numpy()
    return _lists(flat.filter(keep), owners, len(column))


def present_columns(features: pa.Table) -> set[str]:
    """Columns at least one record fills."""
    return {
        name for name in features.column_names if features.column(name).null_count < len(features)
    }


def blocking_rules(present: Collection[str]) -> list[Any]:
    from splink import block_on

    from nomina.resolve.features import ARRAY_COLUMNS

    arrays = (*ARRAY_COLUMNS, *COMPOSITE_KEYS)
    return [
        block_on(*columns, arrays_to_explode=[c for c in columns if c in arrays] or None)
        for columns in BLOCKING_RULES
        if all(column in present for column in columns)
    ]


# Comparisons trained in another form than they score in (see `carry_citizenship`).
TRAINED_AS: dict[str, Callable[[], Any]] = {"citizenship": _exact("citizenship")}


def build_settings(present: Collection[str], *, training: bool = False) -> Any:
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            (TRAINED_AS.get(column, factory) if training else factory)()
            for column, factory in COMPARISONS
            if column in present
        ],
        blocking_rules_to_generate_predictions=blocking_rules(present),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
    )


# Pairs below this match probability are neither kept nor explained: nine in ten to one
# against, they change no person and no reviewer needs them (the review queue starts at
# 0.2), and at a million records they would be most of the pairs written back.
PAIR_FLOOR = 0.1

# Splink logs each training step, and warns of every level EM did not see (the floors in
# `smoothed` handle those); nomina reports its own steps through `progress`.
QUIET = logging.ERROR


def _register(db: Any, features: pa.Table, engine: str, name: str | None = None) -> Any:
    # DuckDB scans the Arrow table where it lies; Spark 4 builds its DataFrame from Arrow
    # with Arrow's types (through pandas, a column of nulls only loses its type).
    table = db.spark.createDataFrame(features) if engine == "spark" else features
    return db.register(table, table_name=name) if name else db.register(table)


# Term frequencies belong to the model. Splink counts them on whatever it is given, so a
# register scored again (incrementally, or in full with a kept model) would weigh a shared
# "Kim" by other counts than the run that trained it, and an incremental run would not
# end where a full run with the same model ends. They are counted once, when the model is
# trained, kept in its JSON under this key, and registered with Splink for every scoring;
# a value the training register never held counts as seen once.
FREQUENCIES = "nomina_term_frequencies"


def _tf_columns(model: dict[str, Any]) -> list[str]:
    return sorted(
        {
            level["tf_adjustment_column"]
            for comparison in model["comparisons"]
            for level in comparison["comparison_levels"]
            if level.get("tf_adjustment_column")
        }
    )


def with_frequencies(model: dict[str, Any], features: pa.Table) -> dict[str, Any]:
    """The model with the term frequencies of its adjusted columns over `features`."""
    counted = {}
    for column in _tf_columns(model):
        counts = pc.value_counts(features.column(column).drop_null())
        total = max(1, sum(counts.field("counts").to_pylist()))
        values = counts.field("values").to_pylist()
        tallies = counts.field("counts").to_pylist()
        counted[column] = {
            "unseen": 1 / total,
            "tf": {value: n / total for value, n in zip(values, tallies, strict=True)},
        }
    return {**model, FREQUENCIES: counted}


# "Two arrays share an element" as both engines write it (`_overlap`, Splink's
# ArrayIntersectLevel at 1), and as DuckDB tests it without building the intersection.
_SHARE_AN_ELEMENT = re.compile(
    r'(?:cardinality\(array_intersect|array_length\(list_intersect)\("(\w+)", "(\w+)"\)\)'
    r" (?:> 0|>= 1)"
)


def scoring_sql(model: dict[str, Any], engine: str) -> dict[str, Any]:
    """The model as it scores on `engine`: on DuckDB, each "share an element" test is
    `list_has_any`, true exactly when the portable form is (arrays of keys hold no NULL)
    and a third cheaper (at a million records, the names' array tests were a third of
    scoring). The saved model keeps the portable SQL."""
    if engine != "duckdb":
        return model
    comparisons = [
        {
            **comparison,
            "comparison_levels": [
                {**level, "sql_condition": _SHARE_AN_ELEMENT.sub(
                    r'list_has_any("\1", "\2")', level["sql_condition"])}
                for level in comparison["comparison_levels"]
            ],
        }
        for comparison in model["comparisons"]
    ]  # fmt: skip
    return {**model, "comparisons": comparisons}


def _linker(db: Any, tables: Any, model: dict[str, Any], features: pa.Table, engine: str) -> Any:
    """A Splink linker scoring with `model`, its kept term frequencies registered."""
    from splink import Linker

    frequencies = model.get(FREQUENCIES) or {}
    splink_model = {
        key: value for key, value in scoring_sql(model, engine).items() if key != FREQUENCIES
    }
    linker = Linker(tables, splink_model, log_level=QUIET)
    for column, kept in frequencies.items():
        values = features.column(column).drop_null().unique().to_pylist()
        lookup = pa.table(
            {
                column: pa.array(values, features.schema.field(column).type),
                f"tf_{column}": [kept["tf"].get(value, kept["unseen"]) for value in values],
            }
        )
        table = _register(db, lookup, engine)
        linker.table_management.register_term_frequency_lookup(table, column)
    return linker


def model_on_engine(model: dict[str, Any], engine: str, present: Collection[str]) -> dict[str, Any]:
    """A trained model with its SQL written for `engine` (a saved model holds SQL in the
    dialect of the engine that trained it, and Splink does not translate it)."""
    model = carry_citizenship(model)
    if model.get("sql_dialect") == engine:
        return model
    from splink import SettingsCreator

    built = {}
    for _column, factory in COMPARISONS:
        comparison = factory()
        built[comparison.get_comparison("duckdb").output_column_name] = comparison
    settings = SettingsCreator(
        link_type=model["link_type"],
        unique_id_column_name="unique_id",
        comparisons=[built[c["output_column_name"]] for c in model["comparisons"]],
        blocking_rules_to_generate_predictions=blocking_rules(present),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
    )
    return model_for_engine(settings, model, engine)


def train_and_score(
    features: pa.Table,
    *,
    engine: str = "duckdb",
    floor: float = PAIR_FLOOR,
    model: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[ScoredPairs, str]:
    """Train the model by EM on `features` (or take a trained `model`, as JSON) and score
    the candidate pairs. Returns pairs with probability ≥ `floor` and the model as JSON.
    """

    logging.getLogger("splink").setLevel(QUIET)
    say = progress or (lambda _step: None)
    features = blocking_keys(features)  # before training: the model keeps its rules
    if model:
        trained_model = model_on_engine(json.loads(model), engine, present_columns(features))
    else:
        trained_model = _train_model(features, engine, say)
    say("score candidate pairs")
    with opened_database(engine) as db:
        # A fresh linker from the smoothed model: EM alone leaves some levels at m = 0.
        linker = _linker(db, _register(db, features, engine), trained_model, features, engine)
        parts = [
            _compact(predictions, trained_model, engine)
            for predictions in _predictions_in_parts(linker, db, engine, floor, say)
        ]
    return ScoredPairs.concatenated(parts), json.dumps(trained_model, ensure_ascii=False)


# Scoring a large register in parts: the candidate pairs (two record positions and the
# rule that proposed them, 24 bytes a pair) are found once, by the blocking joins, and
# scored PAIRS_PER_PART at a time, so the engine holds one part's pairs with their
# per-comparison columns at a time, not all of them (at a million records, all of them
# took 8 GB). On Spark the pairs are scored in one pass: Spark spills to disk itself.
PAIRS_PER_PART = 4_000_000


def _predictions_in_parts(
    linker: Any, db: Any, engine: str, floor: float, say: Callable[[str], None]
) -> Iterator[Any]:
    """Splink's scored pairs (at probability ≥ `floor`), one part's table at a time;
    each part's table is dropped once the next is asked for."""
    if engine != "duckdb":
        predictions = linker.inference.predict(threshold_match_probability=floor)
        yield predictions
        predictions.drop_table_from_database_and_remove_from_cache()
        return
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    found = f"SELECT count(*) AS n FROM {blocked.physical_name}"  # noqa: S608 (Splink's table)
    total = query_arrow(db, found).column("n")[0].as_py()
    parts = max(1, math.ceil(total / PAIRS_PER_PART))
    for part in range(parts):
        if parts > 1:
            say(f"score candidate pairs, part {part + 1} of {parts}")
        # A part is the pairs whose left record's position falls in its residue class:
        # no sort of all the pairs, and the same parts every time.
        sliced = (
            f"SELECT * FROM {blocked.physical_name} "  # noqa: S608 (Splink's table)
            f"WHERE join_key_l % {parts} = {part}"
        )
        piece = db.register(query_arrow(db, sliced)) if parts > 1 else blocked
        linker.table_management.register_blocked_pairs_for_predict(piece)
        predictions = linker.inference.predict(
            threshold_match_probability=floor, warning_mode="never"
        )
        yield predictions
        predictions.drop_table_from_database_and_remove_from_cache()
        if parts > 1:
            piece.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    blocked.drop_table_from_database_and_remove_from_cache()


def _train_model(features: pa.Table, engine: str, say: Callable[[str], None]) -> dict[str, Any]:
    from splink import Linker

    present = present_columns(features)
    if not {"family_key", "given_key"} & present:
        raise ValueError("no record has a name: nothing to link")
    settings = build_settings(present, training=True)
    with opened_database(engine) as db:
        linker = Linker(db.register(features), settings, log_level=QUIET)
        saved = _trained(linker, present, say)
    # Written again from the scoring settings: every level's SQL in the engine's dialect.
    model = model_for_engine(build_settings(present), carry_citizenship(smoothed(saved)), engine)
    # Keep gamma_ and bf_ columns: they are the per-comparison explanation of each pair.
    model["retain_intermediate_calculation_columns"] = True
    return with_frequencies(model, features)


def _trained(linker: Any, present: Collection[str], say: Callable[[str], None]) -> dict[str, Any]:
    """u by random sampling, the share of matches, m by EM: the model as Splink saves it."""
    from splink import block_on

    say("estimate u by random sampling")
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE, seed=1)
    say("estimate the share of matches")
    sure = [
        block_on(*rule)
        for rule in (("document_number",), ("family_key", "given_key", "birth_year"))
        if set(rule) <= present
    ] or [block_on("name_keys", arrays_to_explode=["name_keys"])]
    linker.training.estimate_probability_two_random_records_match(sure, recall=0.7)
    # Each session blocks on some fields and trains the others; together they train all.
    # A session can fail: at a million synthetic records both birth-date sessions do (a
    # level's m underflows to 0 from the start the document session left). Raising every
    # m to M_FLOOR before each session made them train, but lowered pairwise F1 there
    # from 0.688 to 0.676 (20k, 200k and FEBRL unchanged): a failed session stays failed.
    settled: set[str] = set()  # trained, or failed as a looser block would fail again
    for rule, what in (
        (("document_number",), "document number"),
        (("family_key", "given_key"), "family and given name"),
        (("birth_year", "birth_month", "birth_day", "citizenship"), "birth date"),
        (("birth_year", "birth_month", "birth_day"), "birth date"),
    ):
        if set(rule) <= present and what not in settled:
            say(f"train m by EM (blocked on {what})")
            failure = _train(linker, block_on(*rule))
            # The looser block is tried where this one found too few pairs; an m that
            # underflowed underflows there too (trying again cost 9 s at a million).
            if failure is None or UNDERFLOW in failure:
                settled.add(what)
    return linker.misc.save_model_to_json()


def score_new_records(
    features: pa.Table,
    new_ids: Collection[int],
    model_json: str,
    *,
    engine: str = "duckdb",
    floor: float = PAIR_FLOOR,
) -> ScoredPairs:
    """Score the new records against the whole register (themselves included) with a
    trained model, without training: the incremental step of a resolution.

    The same blocking rules and comparisons as the full run, joined from the new records
    only, so the cost grows with the new records and the size of their blocks.
    Term frequencies are those the model was trained with (`FREQUENCIES`).
    """

    logging.getLogger("splink").setLevel(QUIET)
    features = blocking_keys(features)  # counted over the register, as in a full run
    model = model_on_engine(json.loads(model_json), engine, present_columns(features))
    model["link_type"] = "link_only"
    wanted = pa.array(sorted(set(new_ids)), pa.int64())
    new = features.filter(pc.is_in(features.column("unique_id"), value_set=wanted))
    with opened_database(engine) as db:
        tables = [
            _register(db, new, engine, "new_records"),
            _register(db, features, engine, "register"),
        ]
        linker = _linker(db, tables, model, features, engine)
        predictions = linker.inference.predict(threshold_match_probability=floor)
        return _compact(predictions, model, engine)


def score_record_pairs(
    features: pa.Table,
    wanted: Sequence[tuple[int, int]],
    model_json: str,
    *,
    engine: str = "duckdb",
    floor: float = PAIR_FLOOR,
) -> ScoredPairs:
    """Score the given record pairs with a trained model, whatever the blocking rules
    propose: the pairs clustering needs weighed and no rule compared (a chain through
    third records whose numbers differ). `features` must hold every record named.

    The pairs are handed to Splink as its table of blocked pairs, so they are scored by
    the same comparisons and kept term frequencies as any other pair.
    """
    logging.getLogger("splink").setLevel(QUIET)
    if not wanted:
        return ScoredPairs.empty()
    model = model_on_engine(json.loads(model_json), engine, present_columns(features))
    ids = pa.array(sorted({record for pair in wanted for record in pair}), pa.int64())
    needed = features.filter(pc.is_in(features.column("unique_id"), value_set=ids))
    blocked = pa.table(
        {
            "match_key": pa.array(["0"] * len(wanted)),
            "join_key_l": pa.array([min(pair) for pair in wanted], pa.int64()),
            "join_key_r": pa.array([max(pair) for pair in wanted], pa.int64()),
        }
    )
    with opened_database(engine) as db:
        linker = _linker(db, _register(db, needed, engine), model, needed, engine)
        linker.table_management.register_blocked_pairs_for_predict(_register(db, blocked, engine))
        predictions = linker.inference.predict(threshold_match_probability=floor)
        return _compact(predictions, model, engine)


# Splink's message when EM drives a level's m (or u) to 0.
UNDERFLOW = "below the minimum allowed value"


def _train(linker: Any, rule: Any) -> str | None:
    """One EM session; None when it trained, else why it did not (too few pairs in a small
    or sparse register, an m underflowing to 0): the other sessions and the m floor still
    give a usable model."""
    # Splink removes the comparisons a session blocks on from the linker's own settings
    # while it trains, and a session that fails leaves them removed: the model would
    # then score pairs without names. The settings are put back as they were.
    settings = linker._settings_obj
    before = settings.core_model_settings.copy()
    try:
        # Without term frequencies, each EM iteration runs over the counts of agreement
        # patterns instead of every blocked pair: at a million records the name session
        # took 2.3 s instead of 8.8, and no m of the model moved by more than 0.3 bits.
        # Term frequencies still weigh every pair scored.
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule,
            fix_probability_two_random_records_match=True,
            max_pairs=2e6,
            estimate_without_term_frequencies=True,
        )
    except Exception as error:  # Splink raises plain Exceptions for empty or degenerate EM
        logging.getLogger(__name__).info("EM session skipped: %s", error)
        settings.core_model_settings = before
        return str(error)
    return None


# EM on blocked pairs sees few matches that disagree on a field, and may set such a
# level's m to 0: one typo in a unit or citizenship would then veto a match outright
# (-30 bits and more). A floor on m (additive smoothing) keeps every level's evidence
# finite; it is a property of the estimator, not tuned to any data set.
M_FLOOR = 0.005
# u is estimated from U_SAMPLE random pairs; a level never seen among them (two random
# records sharing a passport number) has u below the sample's resolution, not zero.
U_SAMPLE = 1e6


def smoothed(model: dict[str, Any]) -> dict[str, Any]:
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            # A level EM never saw among matches gets the floor, like a rare one.
            level["m_probability"] = max(level.get("m_probability") or 0.0, M_FLOOR)
            if level.get("u_probability") is None:
                level["u_probability"] = 1 / U_SAMPLE
    return model


def _compact(predictions: Any, model: dict[str, Any], engine: str) -> ScoredPairs:
    """The scored pairs as arrays, read from the engine without a row object per pair;
    with each its explanation, one JSON object built by the engine: every comparison's
    match weight, term-frequency adjustment included ({"family_name": {"weight": 9.42}})."""
    prefix = model.get("match_weight_column_prefix") or "mw_"
    # The columns Splink wrote (a term-frequency adjustment has its own column).
    empty = f"SELECT * FROM {predictions.physical_name} LIMIT 0"  # noqa: S608 (Splink's table)
    columns = set(query_arrow(predictions.db_api, empty).schema.names)
    names = [c["output_column_name"] for c in model["comparisons"]]

    def weight(name: str) -> str:
        tf = f"{prefix}tf_adj_{name}"
        extra = f' + coalesce("{tf}", 0)' if tf in columns else ""
        return f'round(coalesce("{prefix}{name}", 0){extra}, 3)'

    if engine == "spark":
        fields = ", ".join(f"'{n}', named_struct('weight', {weight(n)})" for n in names)
        contributions = f"to_json(named_struct({fields}))"
    else:
        fields = ", ".join(f"'{n}', json_object('weight', {weight(n)})" for n in names)
        contributions = f"CAST(json_object({fields}) AS VARCHAR)"
    # Names come from the model and Splink's own table, never from input.
    selected = (
        "least(unique_id_l, unique_id_r) AS l, greatest(unique_id_l, unique_id_r) AS r, "
        f"match_weight AS w, match_probability AS p, {contributions} AS c"
    )
    # A new record meets another new one twice (once from each side) and itself once.
    source = f"{predictions.physical_name} WHERE unique_id_l <> unique_id_r"
    sql = f"SELECT DISTINCT {selected} FROM {source} ORDER BY l, r"  # noqa: S608
    table = query_arrow(predictions.db_api, sql)
    return ScoredPairs(
        left=table.column("l").to_numpy().astype("int64"),
        right=table.column("r").to_numpy().astype("int64"),
        weight=table.column("w").to_numpy().astype("float64"),
        probability=table.column("p").to_numpy().astype("float64"),
        contributions=table.column("c").cast(pa.large_string()).combine_chunks(),
    )
