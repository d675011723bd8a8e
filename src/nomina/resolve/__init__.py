"""Resolve: records → persons (linkage on Splink, clustering with constraints, stable ids).

A run (`run.resolve_register`, `nomina resolve`; full, then incremental): per-record
linkage features from names normalised once and stored (`features`), the Splink model
and scoring in SQL (`linkage`) on DuckDB or Spark (`engines`), clustering with
must/cannot-links and a guard against chaining (`cluster`), stable person ids with
lineage (`identity`), certainty from a written policy (`certainty`, `certainty.yaml`);
`person` shows one. `review` (`nomina review`) ranks the uncertain pairs and records
reviewers' judgements, which the next run follows.
"""

from __future__ import annotations

import pyarrow as pa

from nomina.resolve.features import FEATURE_COLUMNS, load_features
from nomina.resolve.linkage import ScoredPair, ScoredPairs, train_and_score
from nomina.store import Store

__all__ = ["FEATURE_COLUMNS", "ScoredPair", "ScoredPairs", "build_features", "train_and_score"]


def build_features(store: Store) -> pa.Table:
    """One row of linkage features per stored record (names normalised once, then stored)."""
    return load_features(store)
