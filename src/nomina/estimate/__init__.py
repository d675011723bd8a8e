"""Estimates: the total including persons on no list, by multiple systems estimation.

From the register (`capture_histories`) or a table a user gives (`read_table`), a
capture table (one row per pattern of lists, with a count) goes to log-linear models
(`loglinear_estimate`), to the latent-class model LCMCR (`lcmcr_estimate`), or to both
with warnings (`estimate_table`, `estimate_strata`).
"""

from nomina.estimate.histories import capture_histories
from nomina.estimate.lcmcr import LcmcrResult, lcmcr_estimate
from nomina.estimate.loglinear import (
    LoglinearResult,
    NoModelError,
    independence_estimate,
    loglinear_estimate,
)
from nomina.estimate.run import METHODS, EstimateError, estimate_strata, estimate_table
from nomina.estimate.table import CaptureTable, TableError, read_table, table_from_patterns

__all__ = [
    "METHODS",
    "CaptureTable",
    "EstimateError",
    "LcmcrResult",
    "LoglinearResult",
    "NoModelError",
    "TableError",
    "capture_histories",
    "estimate_strata",
    "estimate_table",
    "independence_estimate",
    "lcmcr_estimate",
    "loglinear_estimate",
    "read_table",
    "table_from_patterns",
]
