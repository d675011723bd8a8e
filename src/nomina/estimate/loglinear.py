"""Log-linear models for the capture table (Fienberg 1972; Rcapture's `closedpCI.t`).

The 2^J - 1 observable cells are Poisson counts with log mean = intercept + main effect
of each list that saw the pattern + interactions between lists (dependence: being on
one list makes being on another more, or less, likely). The unobserved cell has every
list indicator 0, so its expected count is exp(intercept), and the total is
observed + exp(intercept). The J-way interaction would need that cell: it is never in
a model, which is the assumption every log-linear estimate rests on.

Model selection (as `Rcapture::closedpMS.t`): hierarchical models, main effects always
in, two-way interactions and, where J >= 4, three-way interactions whose three pairs
are in the model. For J <= 4 every such model is fitted; for J >= 5 there are too
many (32,768 two-way models alone at J = 6), so a greedy forward search adds, one at a
time, the term that lowers the criterion most, from the independence model, until no
term lowers it. AIC and BIC (log of the observed count, as Rcapture) each pick a model.

Models whose maximum likelihood estimate does not exist (a zero cell pushes an
interaction to minus infinity; Chan, Silverman & Vincent 2021) are left out: their
fitted coefficients run off beyond |20| or the fit does not converge.

Interval: profile likelihood for N (Cormack 1992, as `closedpCI.t`): for each N the
model is fitted to the complete table with N - n in the unobserved cell, and the
multinomial log-likelihood log N!/(N-n)! + sum y log(mu/N) is compared with its
maximum; the 95% interval is where twice the drop stays under the chi-square(1) 95%
point (3.84).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import statsmodels.api as sm
from scipy import optimize, stats
from scipy.special import gammaln

from nomina.estimate.table import CaptureTable

Term = tuple[int, ...]  # an interaction between the lists at these positions
EXHAUSTIVE_UP_TO = 4  # lists; beyond, the greedy search
BOUNDARY = 20.0  # |coefficient| beyond which the MLE is taken not to exist
CHI2_95 = float(stats.chi2.ppf(0.95, 1))


@dataclass(frozen=True)
class ModelFit:
    terms: tuple[Term, ...]
    name: str
    parameters: int
    deviance: float
    aic: float
    bic: float
    unobserved: float
    total: float

    def as_dict(self) -> dict:
        return {
            "model": self.name,
            "parameters": self.parameters,
            "deviance": round(self.deviance, 3) + 0.0,  # no -0.0
            "aic": round(self.aic, 3),
            "bic": round(self.bic, 3),
            "estimate": round(self.total, 1),
        }


@dataclass
class LoglinearResult:
    observed: int
    lists: tuple[str, ...]
    aic: ModelFit
    bic: ModelFit
    interval: tuple[float, float]  # profile likelihood 95% for the AIC model
    bic_interval: tuple[float, float]
    search: str  # "exhaustive" or "greedy"
    models_fitted: int
    models_rejected: int
    ranked: list[ModelFit] = field(default_factory=list)  # best AIC first, a few

    @property
    def estimate(self) -> float:
        return self.aic.total

    def as_dict(self) -> dict:
        return {
            "estimate": round(self.aic.total, 1),
            "interval": [round(self.interval[0], 1), _round_bound(self.interval[1])],
            "observed": self.observed,
            "model_aic": self.aic.as_dict(),
            "model_bic": {
                **self.bic.as_dict(),
                "interval": [round(self.bic_interval[0], 1), _round_bound(self.bic_interval[1])],
            },
            "search": self.search,
            "models_fitted": self.models_fitted,
            "models_without_mle": self.models_rejected,
            "best_models": [fit.as_dict() for fit in self.ranked],
        }


def _round_bound(value: float) -> float | None:
    return None if math.isinf(value) else round(value, 1)


def term_name(terms: Iterable[Term], lists: tuple[str, ...]) -> str:
    """Rcapture-like model name: the interactions, e.g. `[A:B, A:C]`; `independence` if none."""
    names = [":".join(lists[i] for i in term) for term in terms]
    return "independence" if not names else "[" + ", ".join(names) + "]"


def design(patterns: np.ndarray, terms: Iterable[Term]) -> np.ndarray:
    """Intercept, one column per list, one per interaction (product of its lists)."""
    columns = [np.ones(len(patterns)), *patterns.T.astype(float)]
    for term in terms:
        columns.append(np.prod(patterns[:, list(term)], axis=1).astype(float))
    return np.column_stack(columns)


def _fit(y: np.ndarray, x: np.ndarray, start: np.ndarray | None = None):
    """A Poisson GLM fit, or None where it fails or its MLE does not exist."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = sm.GLM(y, x, family=sm.families.Poisson()).fit(
                start_params=start, maxiter=100, tol=1e-10
            )
        except (ValueError, np.linalg.LinAlgError, OverflowError):
            return None
    params = np.asarray(result.params)
    if not np.all(np.isfinite(params)) or np.max(np.abs(params[1:]), initial=0) > BOUNDARY:
        return None
    if not result.converged:
        return None
    return result


def fit_model(table: CaptureTable, terms: tuple[Term, ...]) -> ModelFit | None:
    """One hierarchical model on the complete observed table; None if not estimable."""
    full = table.complete()
    x = design(full.patterns, terms)
    y = full.counts.astype(float)
    if x.shape[1] > len(y) or np.linalg.matrix_rank(x) < x.shape[1]:
        return None
    result = _fit(y, x)
    if result is None:
        return None
    unobserved = float(np.exp(result.params[0]))
    if not math.isfinite(unobserved):
        return None
    parameters = x.shape[1]
    deviance = float(result.deviance)
    return ModelFit(
        terms=terms,
        name=term_name(terms, table.lists),
        parameters=parameters,
        deviance=deviance,
        aic=deviance + 2 * parameters,
        bic=deviance + math.log(table.observed) * parameters,
        unobserved=unobserved,
        total=table.observed + unobserved,
    )


def _eligible(terms: tuple[Term, ...], width: int) -> list[Term]:
    """Terms that can join while the model stays hierarchical and identifiable."""
    present = set(terms)
    out: list[Term] = [
        pair for pair in itertools.combinations(range(width), 2) if pair not in present
    ]
    if width >= 4:  # a 3-way term is the highest order at J = 3: never estimable there
        for triple in itertools.combinations(range(width), 3):
            if triple not in present and all(
                pair in present for pair in itertools.combinations(triple, 2)
            ):
                out.append(triple)
    return out


def _all_hierarchical(width: int) -> list[tuple[Term, ...]]:
    pairs = list(itertools.combinations(range(width), 2))
    models: list[tuple[Term, ...]] = []
    for size in range(len(pairs) + 1):
        for chosen in itertools.combinations(pairs, size):
            models.append(chosen)
            if width < 4:
                continue
            present = set(chosen)
            triples = [
                t
                for t in itertools.combinations(range(width), 3)
                if all(p in present for p in itertools.combinations(t, 2))
            ]
            for count in range(1, len(triples) + 1):
                for extra in itertools.combinations(triples, count):
                    models.append(chosen + extra)
    return models


def select_models(table: CaptureTable) -> tuple[list[ModelFit], int, int, str]:
    """Every model fitted in the search, models rejected, and the search used."""
    width = len(table.lists)
    fitted: dict[tuple[Term, ...], ModelFit | None] = {}

    def get(terms: tuple[Term, ...]) -> ModelFit | None:
        key = tuple(sorted(terms, key=lambda t: (len(t), t)))
        if key not in fitted:
            fitted[key] = fit_model(table, key)
        return fitted[key]

    if width <= EXHAUSTIVE_UP_TO:
        for terms in _all_hierarchical(width):
            get(terms)
        search = "exhaustive"
    else:
        for criterion in ("aic", "bic"):
            current: tuple[Term, ...] = ()
            best = get(current)
            while True:
                candidates = [
                    (fit, current + (term,))
                    for term in _eligible(current, width)
                    if (fit := get(current + (term,))) is not None
                ]
                if not candidates:
                    break
                fit, terms = min(candidates, key=lambda c: getattr(c[0], criterion))
                if best is not None and getattr(fit, criterion) >= getattr(best, criterion):
                    break
                best, current = fit, terms
        search = "greedy"
    good = [fit for fit in fitted.values() if fit is not None]
    return good, len(fitted), len(fitted) - len(good), search


def profile_interval(
    table: CaptureTable, terms: tuple[Term, ...], estimate: float, level: float = 0.95
) -> tuple[float, float]:
    """Profile-likelihood interval for the total under one model (see module docstring)."""
    width = len(table.lists)
    full = table.complete()
    every = np.vstack([np.zeros((1, width), dtype=np.uint8), full.patterns])
    x = design(every, terms)
    observed = table.observed
    y_observed = full.counts.astype(float)
    cut = float(stats.chi2.ppf(level, 1)) / 2
    start: list[np.ndarray | None] = [None]

    def profile(total: float) -> float:
        unobserved = max(total - observed, 0.0)
        y = np.concatenate([[unobserved], y_observed])
        # A warm start saves iterations, but one from a fit far away can diverge: retry cold.
        result = _fit_loose(y, x, start[0])
        if result is None and start[0] is not None:
            result = _fit_loose(y, x, None)
        if result is None:
            return -math.inf
        if unobserved > 0:
            start[0] = np.asarray(result.params)
        mu = np.asarray(result.fittedvalues)
        positive = y > 0
        return float(
            gammaln(total + 1)
            - gammaln(unobserved + 1)
            + np.sum(y[positive] * np.log(mu[positive] / total))
        )

    # The maximum sits at (or next to) the point estimate; search a bracket around it.
    upper_guess = observed + 3 * (estimate - observed) + 10
    found = optimize.minimize_scalar(
        lambda t: -profile(t), bounds=(observed, upper_guess), method="bounded"
    )
    peak_at, peak = max(
        [(float(found.x), -float(found.fun)), (estimate, profile(estimate))], key=lambda c: c[1]
    )
    threshold = peak - cut

    def gap(total: float) -> float:
        return profile(total) - threshold

    low = float(observed)
    if gap(observed) < 0:
        low = optimize.brentq(gap, observed, peak_at, xtol=0.05)
    high = math.inf
    step = max(peak_at - observed, 10.0)
    previous = peak_at
    cap = observed + 1e4 * max(peak_at - observed, observed)
    candidate = peak_at + step
    while candidate < cap:
        if gap(candidate) < 0:
            high = optimize.brentq(gap, previous, candidate, xtol=0.05)
            break
        previous, step = candidate, step * 2
        candidate = peak_at + step
    return low, high


def _fit_loose(y: np.ndarray, x: np.ndarray, start: np.ndarray | None):
    """A fit for the profile: the boundary rule does not apply (N is forced there)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = sm.GLM(y, x, family=sm.families.Poisson()).fit(
                start_params=start, maxiter=100, tol=1e-10
            )
        except (ValueError, np.linalg.LinAlgError, OverflowError):
            return None
    return result if result.converged and np.all(np.isfinite(result.params)) else None


class NoModelError(ValueError):
    """No log-linear model could be fitted to the table."""


def loglinear_estimate(table: CaptureTable, top: int = 5) -> LoglinearResult:
    """Select by AIC and BIC, estimate the total and its profile-likelihood interval."""
    if len(table.lists) < 2:
        raise NoModelError("log-linear models need at least two lists")
    fits, fitted, rejected, search = select_models(table)
    if not fits:
        raise NoModelError(
            "no log-linear model has a maximum likelihood estimate for this table "
            "(too many empty cells, or lists without overlap)"
        )
    by_aic = min(fits, key=lambda fit: fit.aic)
    by_bic = min(fits, key=lambda fit: fit.bic)
    interval = profile_interval(table, by_aic.terms, by_aic.total)
    bic_interval = (
        interval
        if by_bic.terms == by_aic.terms
        else profile_interval(table, by_bic.terms, by_bic.total)
    )
    return LoglinearResult(
        observed=table.observed,
        lists=table.lists,
        aic=by_aic,
        bic=by_bic,
        interval=interval,
        bic_interval=bic_interval,
        search=search,
        models_fitted=fitted,
        models_rejected=rejected,
        ranked=sorted(fits, key=lambda fit: fit.aic)[:top],
    )


def independence_estimate(table: CaptureTable) -> tuple[float, tuple[float, float]]:
    """The independence model only (no interactions): the classic baseline."""
    fit = fit_model(table, ())
    if fit is None:
        raise NoModelError("the independence model has no estimate for this table")
    return fit.total, profile_interval(table, (), fit.total)
