"""LCMCR: Bayesian non-parametric latent-class capture-recapture (Manrique-Vallier 2016).

Manrique-Vallier, D. (2016). Bayesian population size estimation using Dirichlet
process mixtures. Biometrics 72(4), 1246-1254; the R package LCMCR.

Model: each person belongs to one of K latent classes (a truncated stick-breaking
Dirichlet process: V_k ~ Beta(1, alpha), pi_k = V_k prod_{l<k} (1 - V_l), V_K = 1;
alpha ~ Gamma(0.25, 0.25)); within a class, lists see a person independently, list j
with probability lambda_jk ~ Beta(1, 1). Heterogeneity between classes is what makes
lists look dependent, so the model captures both without choosing interactions. The
prior on N is p(N) ∝ 1/N, which makes the unobserved count, given the parameters, a
negative binomial draw: n0 ~ NegBin(n, 1 - p0), p0 = P(on no list) = sum_k pi_k
prod_j (1 - lambda_jk).

The Gibbs sampler works on the aggregated table: the observed persons of one capture
pattern share their class probabilities, so their classes are one multinomial draw per
pattern (at most 2^J - 1 of them), never one draw per person. One sweep:
1. classes of the observed: per pattern, Multinomial(count, pi_k P(pattern | k));
2. n0 ~ NegBin(n, 1 - p0);
3. classes of the n0 unobserved: Multinomial(n0, pi_k prod_j (1 - lambda_jk));
4. lambda_jk ~ Beta(1 + seen by j in k, 1 + not seen by j in k), all N persons;
5. V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l); 6. alpha ~ Gamma(0.25 + K - 1,
   0.25 - sum_{k<K} log(1 - V_k)).

Summary: the posterior median of N (robust to the long right tail N has when lists
overlap little) and the 2.5% and 97.5% posterior quantiles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nomina.estimate.table import CaptureTable

CLASSES = 10
ALPHA_PRIOR = (0.25, 0.25)  # Gamma(shape, rate), as the LCMCR package
PROGRESS_EVERY = 500


@dataclass
class LcmcrResult:
    observed: int
    estimate: float  # posterior median of N
    interval: tuple[float, float]  # 2.5% and 97.5% posterior quantiles
    mean: float
    samples: np.ndarray  # retained draws of N
    iterations: int
    burn_in: int
    thin: int
    classes: int
    seed: int | None

    def as_dict(self) -> dict:
        return {
            "estimate": round(self.estimate, 1),
            "interval": [round(self.interval[0], 1), round(self.interval[1], 1)],
            "observed": self.observed,
            "posterior_mean": round(self.mean, 1),
            "summary": "posterior median; 95% interval from the 2.5% and 97.5% quantiles",
            "iterations": self.iterations,
            "burn_in": self.burn_in,
            "thin": self.thin,
            "samples": len(self.samples),
            "classes": self.classes,
            "seed": self.seed,
        }


def lcmcr_estimate(
    table: CaptureTable,
    iterations: int = 20_000,
    burn_in: int | None = None,
    thin: int = 10,
    classes: int = CLASSES,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LcmcrResult:
    """Run the Gibbs sampler; `burn_in` defaults to a quarter of the iterations."""
    if iterations < 2:
        raise ValueError("LCMCR needs at least 2 iterations")
    burn_in = iterations // 4 if burn_in is None else burn_in
    if not 0 <= burn_in < iterations:
        raise ValueError("burn-in must be shorter than the iterations")
    thin = max(1, thin)
    rng = np.random.default_rng(seed)
    table = table.nonzero()
    x = table.patterns.astype(np.float64)  # (m, J)
    counts = table.counts
    observed = int(counts.sum())
    m, lists = x.shape
    a_alpha, b_alpha = ALPHA_PRIOR

    # Start: a draw from the prior, as the LCMCR package does.
    alpha = 1.0
    lam = rng.beta(1.0, 1.0, size=(lists, classes))
    sticks = rng.beta(1.0, alpha, size=classes)
    sticks[-1] = 1.0
    draws: list[int] = []

    for step in range(iterations):
        # Mixture weights from the sticks (in logs: products of small numbers underflow).
        log_rest = np.concatenate([[0.0], np.cumsum(np.log1p(-np.minimum(sticks[:-1], 1 - 1e-16)))])
        log_pi = np.log(np.maximum(sticks, 1e-300)) + log_rest
        log_lam = np.log(np.maximum(lam, 1e-300))
        log_not = np.log(np.maximum(1.0 - lam, 1e-300))
        # 1. Classes of the observed, one multinomial per pattern.
        log_p = log_pi + x @ log_lam + (1.0 - x) @ log_not  # (m, K)
        log_p -= log_p.max(axis=1, keepdims=True)
        prob = np.exp(log_p)
        prob /= prob.sum(axis=1, keepdims=True)
        per_pattern = rng.multinomial(counts, prob)  # (m, K)
        # 2. The unobserved count.
        log_unseen = log_pi + log_not.sum(axis=0)  # (K,) log pi_k P(no list | k)
        p0 = float(np.exp(log_unseen).sum())
        p0 = min(p0, 1.0 - 1e-12)
        unobserved = int(rng.negative_binomial(observed, 1.0 - p0)) if p0 > 0 else 0
        # 3. Their classes.
        weights = np.exp(log_unseen - log_unseen.max())
        unseen_classes = rng.multinomial(unobserved, weights / weights.sum())
        # 4. Capture probabilities per list and class over all N persons.
        class_sizes = per_pattern.sum(axis=0) + unseen_classes  # (K,)
        seen = x.T @ per_pattern  # (J, K)
        lam = rng.beta(1.0 + seen, 1.0 + class_sizes[None, :] - seen)
        # 5. Sticks, then 6. the concentration.
        later = np.concatenate([np.cumsum(class_sizes[::-1])[::-1][1:], [0]])
        sticks = rng.beta(1.0 + class_sizes, alpha + later)
        sticks[-1] = 1.0
        log_left = np.log1p(-np.minimum(sticks[:-1], 1 - 1e-16)).sum()
        alpha = rng.gamma(a_alpha + classes - 1, 1.0 / (b_alpha - log_left))
        alpha = max(alpha, 1e-8)  # a Beta(1, 0) stick is undefined

        if step >= burn_in and (step - burn_in) % thin == 0:
            draws.append(observed + unobserved)
        if progress and ((step + 1) % PROGRESS_EVERY == 0 or step + 1 == iterations):
            progress(step + 1, iterations)

    samples = np.asarray(draws, dtype=np.int64)
    low, median, high = np.quantile(samples, [0.025, 0.5, 0.975])
    return LcmcrResult(
        observed=observed,
        estimate=float(median),
        interval=(float(low), float(high)),
        mean=float(samples.mean()),
        samples=samples,
        iterations=iterations,
        burn_in=burn_in,
        thin=thin,
        classes=classes,
        seed=seed,
    )
