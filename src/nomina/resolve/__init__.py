"""Resolve: records → persons (linkage on Splink, clustering with constraints, stable ids).

A full run (`run.resolve_register`, `nomina resolve`): per-record linkage features
(`features`), the Splink model and scoring (`linkage`), clustering with must/cannot-links
and a guard against chaining (`cluster`), stable person ids with lineage (`identity`),
certainty from a written policy (`certainty`, `certainty.yaml`); `person` shows one.
`review` (`nomina review`) ranks the uncertain pairs and records reviewers' judgements,
which the next run follows. Still to come (issue #3): incremental runs, Spark.
"""

from __future__ import annotations

import pandas as pd

from nomina.resolve.features import FEATURE_COLUMNS, load_features
from nomina.resolve.linkage import ScoredPair, ScoredPairs, train_and_score
from nomina.store import Store

__all__ = ["FEATURE_COLUMNS", "ScoredPair", "ScoredPairs", "build_features", "train_and_score"]


def build_features(store: Store) -> pd.DataFrame:
    """One row of linkage features per stored record (names normalised once, then stored)."""
    return load_features(store)
