"""Replenishment policy levels (SPEC §4): safety stock, reorder point, order-up-to level, order quantity.

Names follow the textbook: z = Φ⁻¹(cycle service level); for a protection interval of P days,
SS = z × sqrt(P σ_d² + μ_d² σ_L²); periodic order-up-to S = μ_d (L + R) + SS(L + R); the reorder point s of the
daily-reviewed policies adds the undershoot (see `policy_levels`).

The simulator sets its levels from the distribution of protection-interval demand it actually draws instead
(`drawn_demand_levels`, issue 21): gamma sums are gamma, the normal cut at zero has its own moments, and the
quantiles and loss functions are exact (the regularized incomplete gamma below, no scipy needed). The textbook
formulas stay for the cases they describe (normal demand, steady SKUs), where both agree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from statistics import NormalDist

import numpy as np

POLICIES = ("rop", "periodic", "minmax")
ORDER_RULES = ("auto", "eoq", "cover")
DAYS_PER_YEAR = 365
SERVICE_TARGETS = ("csl", "fill")
LOSS_K_MIN, LOSS_K_MAX = -40.0, 8.0
DEMAND_MODELS = ("gamma", "normal")
LARGE_SHAPE = 300.0  # beyond this the gamma is Wilson–Hilferty's cube of a normal to within 2e-5 of probability
NEWTON_STEPS = 40


def z_value(service_level: float) -> float:
    """Standard normal quantile of a cycle service level in (0, 1)."""
    if not 0 < service_level < 1:
        raise ValueError(f"service level must be between 0 and 1 (exclusive), got {service_level}")
    return NormalDist().inv_cdf(service_level)


def safety_stock(z: float | np.ndarray, mean_daily_demand: np.ndarray, std_daily_demand: np.ndarray,
                 protection_days: np.ndarray, lead_time_std_days: np.ndarray | float = 0.0) -> np.ndarray:
    """z × sqrt(P σ_d² + μ_d² σ_L²); with a fixed lead time this is z σ_d √P."""
    variance = protection_days * np.square(std_daily_demand) + np.square(mean_daily_demand * lead_time_std_days)
    return z * np.sqrt(variance)


_LOG_GAMMA = np.frompyfunc(math.lgamma, 1, 1)
_ERF = np.frompyfunc(math.erf, 1, 1)


def log_gamma(shape: np.ndarray) -> np.ndarray:
    return _LOG_GAMMA(np.asarray(shape, dtype=float)).astype(float)


def normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + _ERF(np.asarray(x, dtype=float) / math.sqrt(2)).astype(float))


def regularized_gamma(shape: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) = γ(a, x) / Γ(a), the CDF of a standard gamma of shape a at x (Numerical Recipes §6.2: the series
    below a + 1, Lentz's continued fraction above; Wilson–Hilferty for shapes over `LARGE_SHAPE`)."""
    a, x = (np.array(v, dtype=float) for v in np.broadcast_arrays(np.asarray(shape, dtype=float),
                                                                 np.asarray(x, dtype=float)))
    out = np.zeros(a.shape)
    positive = x > 0
    large = positive & (a > LARGE_SHAPE)
    if large.any():
        al, xl = a[large], x[large]
        out[large] = normal_cdf((np.cbrt(xl / al) - 1 + 1 / (9 * al)) * 3 * np.sqrt(al))
    rest = positive & ~large
    a, x = a[rest], x[rest]
    front = np.exp(-x + a * np.log(x) - log_gamma(a))
    series = x < a + 1
    values = np.empty(a.shape)
    values[series] = front[series] * _gamma_series(a[series], x[series])
    values[~series] = 1 - front[~series] * _gamma_fraction(a[~series], x[~series])
    out[rest] = np.clip(values, 0.0, 1.0)
    return out


def _gamma_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    term = 1 / a
    total, denominator = term.copy(), a.copy()
    for _ in range(5_000):
        denominator += 1
        term = term * x / denominator
        total += term
        if (term <= total * 1e-15).all():
            break
    return total


def _gamma_fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    tiny = 1e-300
    b = x + 1 - a
    c, d = np.full(a.shape, 1 / tiny), 1 / b
    h = d.copy()
    for i in range(1, 5_000):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = 1 / np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        delta = d * c
        h = h * delta
        if (np.abs(delta - 1) < 1e-15).all():
            break
    return h


def gamma_quantile(shape: np.ndarray, probability: np.ndarray) -> np.ndarray:
    """The p-quantile of a standard gamma of shape a: Newton's method on log x, kept inside a bracket that starts
    from P(a, x) ≤ x^a / Γ(a + 1) below (so x ≥ (p Γ(a+1))^(1/a)) and a + 40√a + 50 above."""
    a, p = (np.array(v, dtype=float) for v in np.broadcast_arrays(np.asarray(shape, dtype=float),
                                                                 np.asarray(probability, dtype=float)))
    if not len(a):
        return a
    lg = log_gamma(a)
    z = np.array([NormalDist().inv_cdf(v) for v in p.ravel()]).reshape(p.shape)
    wilson_hilferty = a * np.maximum(1 - 1 / (9 * a) + z / (3 * np.sqrt(a)), 1e-3) ** 3
    lower = (np.log(p) + log_gamma(a + 1)) / a
    lo, hi = np.maximum(lower, -745.0) - 1e-9, np.log(a + 40 * np.sqrt(a) + 50)
    t = np.clip(np.maximum(np.log(wilson_hilferty), lower), lo, hi)
    for _ in range(NEWTON_STEPS):
        x = np.exp(t)
        gap = regularized_gamma(a, x) - p
        lo, hi = np.where(gap < 0, t, lo), np.where(gap >= 0, t, hi)
        slope = np.exp(np.minimum(a * t - x - lg, 700.0))  # dP/d(log x) = x × density
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            stepped = t - gap / slope
        stepped = np.where(np.isfinite(stepped) & (stepped >= lo) & (stepped <= hi), stepped, (lo + hi) / 2)
        done = np.abs(stepped - t) < 1e-10
        t = stepped
        if done.all():
            break
    return np.exp(t)


def gamma_loss(shape: np.ndarray, scale: np.ndarray, level: np.ndarray) -> np.ndarray:
    """E[(X − x)⁺] for X gamma(k, θ): k θ (1 − P(k+1, x/θ)) − x (1 − P(k, x/θ)), with
    P(k+1, y) = P(k, y) − y^k e^(−y) / Γ(k+1)."""
    return gamma_loss_and_cdf(shape, scale, level)[0]


def gamma_loss_and_cdf(shape: np.ndarray, scale: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`gamma_loss` and P(X ≤ x) from one evaluation of the incomplete gamma function."""
    k, theta = np.asarray(shape, dtype=float), np.asarray(scale, dtype=float)
    x = np.maximum(np.asarray(level, dtype=float), 0.0)
    y = x / theta
    below = regularized_gamma(k, y)
    density_term = np.where(y > 0, np.exp(_log_power_term(k, np.where(y > 0, y, 1.0))), 0.0)
    above_next = 1 - np.clip(below - density_term, 0.0, 1.0)
    loss = np.maximum(k * theta * above_next - x * (1 - below), 0.0) + np.maximum(-np.asarray(level, float), 0.0)
    return loss, below


def _log_power_term(shape: np.ndarray, y: np.ndarray) -> np.ndarray:
    """log(y^k e^(−y) / Γ(k+1)); for shapes over `LARGE_SHAPE` through Stirling's series around y = k(1 + δ),
    k (log(1 + δ) − δ) − ½ log(2πk) − 1/12k + 1/360k³, which keeps its precision where the direct sum of terms
    of size k would not."""
    k = np.broadcast_to(np.asarray(shape, dtype=float), np.shape(y))
    large = k > LARGE_SHAPE
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        direct = k * np.log(y) - y - log_gamma(np.where(large, 1.0, k) + 1)
        kl = np.where(large, k, 1.0)
        delta = y / kl - 1
        stirling = (kl * (np.log1p(delta) - delta) - 0.5 * np.log(2 * math.pi * kl) - 1 / (12 * kl)
                    + 1 / (360 * kl**3))
    return np.where(large, stirling, direct)


def drawn_daily_moments(mean_daily_demand: np.ndarray, std_daily_demand: np.ndarray, distribution: str
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of one day's demand as the simulator draws it. Gamma keeps μ and σ². The normal is cut
    at zero, max(0, N(μ, σ)), whose moments are larger: with a = μ/σ, E = μ Φ(a) + σ φ(a) and
    E[D²] = (μ² + σ²) Φ(a) + μ σ φ(a) — at σ = 2μ the mean is 1.40 μ."""
    mu = np.asarray(mean_daily_demand, dtype=float)
    sigma = np.asarray(std_daily_demand, dtype=float)
    if distribution == "gamma":
        return mu, np.square(sigma)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(sigma > 0, mu / np.where(sigma > 0, sigma, 1), np.inf)
    cdf = np.where(np.isfinite(a), normal_cdf(np.where(np.isfinite(a), a, 0)), 1.0)
    pdf = np.where(np.isfinite(a), np.exp(-0.5 * np.square(np.where(np.isfinite(a), a, 0))) / math.sqrt(2 * math.pi),
                   0.0)
    mean = np.where(sigma > 0, mu * cdf + sigma * pdf, np.maximum(mu, 0.0))
    second = np.where(sigma > 0, (np.square(mu) + np.square(sigma)) * cdf + mu * sigma * pdf, np.square(mean))
    return mean, np.maximum(second - np.square(mean), 0.0)


def truncated_normal_third_moment(mean_daily_demand: np.ndarray, std_daily_demand: np.ndarray) -> np.ndarray:
    """Third central moment of max(0, N(μ, σ)): E[D³] = μ³ Φ + 3μ²σ φ + 3μσ² (Φ − aφ) + σ³ (a² + 2) φ at a = μ/σ,
    less 3 m E[D²] − 2 m³ (m, E[D²] from `drawn_daily_moments`)."""
    mu = np.asarray(mean_daily_demand, dtype=float)
    sigma = np.asarray(std_daily_demand, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(sigma > 0, mu / np.where(sigma > 0, sigma, 1), 0.0)
    cdf, pdf = normal_cdf(a), np.exp(-0.5 * np.square(a)) / math.sqrt(2 * math.pi)
    raw = mu**3 * cdf + 3 * mu**2 * sigma * pdf + 3 * mu * sigma**2 * (cdf - a * pdf) + sigma**3 * (a**2 + 2) * pdf
    mean, var = drawn_daily_moments(mu, sigma, "normal")
    return np.where(sigma > 0, raw - 3 * mean * (var + mean**2) + 2 * mean**3, 0.0)


def economic_order_quantity(ordering_cost: np.ndarray, holding_cost: np.ndarray,
                            annual_demand: np.ndarray) -> np.ndarray:
    """sqrt(2 K D / h): K per order, h per unit per year, D units per year; NaN where h is not positive."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(2 * ordering_cost * annual_demand / np.where(holding_cost > 0, holding_cost, np.nan))


def order_quantity(params: Mapping, rule: str = "auto", cover_days: float = 30.0) -> np.ndarray:
    """Q per SKU: EOQ where ordering and holding costs are given (rule `auto` or `eoq`), else `cover_days` of demand."""
    if rule not in ORDER_RULES:
        raise ValueError(f"order rule must be one of {', '.join(ORDER_RULES)}")
    mean_daily_demand = np.asarray(params["mean_daily_demand"], dtype=float)
    cover = mean_daily_demand * cover_days
    if rule == "cover" or "ordering_cost" not in params or "holding_cost" not in params:
        return cover
    eoq = economic_order_quantity(np.asarray(params["ordering_cost"], dtype=float),
                                  np.asarray(params["holding_cost"], dtype=float),
                                  mean_daily_demand * DAYS_PER_YEAR)
    return np.where(np.isfinite(eoq), eoq, cover)


def drawn_lead_time_moments(lead_time_days: np.ndarray, lead_time_std_days: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the lead time the simulator draws, max(1, round(L + σ_L Z)): rounding adds
    about 1/12 day² of variance, and truncation at 1 day lifts the mean and cuts the spread of short lead times."""
    lead = np.asarray(lead_time_days, dtype=float)
    spread = np.broadcast_to(np.asarray(lead_time_std_days, dtype=float), lead.shape)
    mean, std = lead.copy(), np.zeros_like(lead)
    pairs, positions = np.unique(np.stack([lead, spread]), axis=1, return_inverse=True)
    normal = NormalDist()
    for i, (centre, sd) in enumerate(pairs.T):
        if sd <= 0:
            continue
        days = np.arange(1, int(np.ceil(centre + 8 * sd)) + 2, dtype=float)
        upper = np.array([normal.cdf((d + 0.5 - centre) / sd) for d in days])
        probability = np.diff(np.concatenate([[0.0], upper]))
        chosen = positions.ravel() == i
        mean[chosen] = (days * probability).sum()
        std[chosen] = np.sqrt(max(0.0, (np.square(days) * probability).sum() - mean[chosen][0] ** 2))
    return mean, std


def gamma_safety_stock(z: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """The z-quantile of a gamma with this mean and standard deviation, less the mean (Wilson–Hilferty:
    shape k = mean²/std², quantile ≈ mean × (1 − 1/9k + z/(3√k))³); z × std when the distribution is symmetric."""
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = np.square(mean) / np.square(std)
        cube = np.maximum(0.0, 1 - 1 / (9 * shape) + z / (3 * np.sqrt(shape)))
        quantile = mean * np.power(cube, 3)
    return np.where((mean > 0) & (std > 0), quantile - mean, z * std)


def crossing_lead_variance(lead_time_std_days: np.ndarray, review_days: np.ndarray) -> np.ndarray:
    """The lead-time variance periodic review needs protecting against: σ_L², or R σ_L / √π when smaller.

    An order leaves every R days; once σ_L is comparable with R, orders cross (a later one lands first) and the
    stock on order no longer swings with one whole lead time: the number of orders outstanding is a sum of
    independent ones whose variance, averaged over the review cycle, is ∫ P(L > a) P(L ≤ a) da / R = σ_L / (R √π)
    (normal lead times), i.e. R σ_L / √π day² of lead-time variance. Measured on steady SKUs with σ_L = L/4 and
    R = 7, the textbook σ_L² delivered 0.885 at a 0.80 target on 30-day lead times; this gives 0.815.
    """
    spread = np.asarray(lead_time_std_days, dtype=float)
    return np.minimum(np.square(spread), np.asarray(review_days, dtype=float) * spread / np.sqrt(np.pi))


def undershoot_moments(mean_daily_demand: np.ndarray, std_daily_demand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of the undershoot U: how far below s the position is when a daily review finds it at or
    below s. For Q large against a day's demand D, U follows the stationary excess of D, with density P(D > u)/μ:
    E[U] = E[D²] / 2μ and E[U²] = E[D³] / 3μ, the raw moments taken from a gamma with D's mean and variance."""
    mu = np.asarray(mean_daily_demand, dtype=float)
    variance = np.square(np.asarray(std_daily_demand, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.where(mu > 0, variance / np.where(mu > 0, mu, 1), 0.0)
        second = variance + np.square(mu)
        third = mu * (mu + theta) * (mu + 2 * theta)
        mean = np.where(mu > 0, second / (2 * np.where(mu > 0, mu, 1)), 0.0)
        var = np.where(mu > 0, third / (3 * np.where(mu > 0, mu, 1)), 0.0) - np.square(mean)
    return mean, np.maximum(var, 0.0)


def expected_shortage(k: np.ndarray | float) -> np.ndarray:
    """Standard normal loss G(k) = φ(k) − k (1 − Φ(k)): expected units short per unit of σ, beyond k σ."""
    k = np.asarray(k, dtype=float)
    normal = NormalDist()
    pdf = np.vectorize(normal.pdf, otypes=[float])(k)
    cdf = np.vectorize(normal.cdf, otypes=[float])(k)
    return pdf - k * (1 - cdf)


@cache
def _loss_table() -> tuple[np.ndarray, np.ndarray]:
    """G on a fine grid of k, increasing G for `np.interp` (G falls as k rises)."""
    k = np.linspace(LOSS_K_MIN, LOSS_K_MAX, 12_001)
    return np.maximum.accumulate(expected_shortage(k)[::-1]), k[::-1]


def safety_factor_for_fill(fill_rate: np.ndarray, cycle_demand: np.ndarray, protection_std: np.ndarray) -> np.ndarray:
    """k with σ_P G(k) = (1 − fill) × demand per cycle: the expected shortage per cycle that leaves the target fill
    rate (back-orders). k is kept within [−40, 8]; 0 where there is no uncertainty to protect against."""
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = (1 - np.asarray(fill_rate, dtype=float)) * cycle_demand / protection_std
    losses, ks = _loss_table()
    k = np.interp(loss, losses, ks)
    return np.where(protection_std > 0, k, 0.0)


class ProtectionDemand:
    """The demand a level must cover, as a gamma with the moments the simulator really draws.

    Periodic review: the demand of L + R days (a gamma sum is a gamma of shape k (L + R)), the lead-time spread
    entering through its variance μ² Var L (capped where orders cross). Daily review: the demand of L days plus
    the undershoot U (`drawn_demand_levels` puts the moments together)."""

    def __init__(self, mean: np.ndarray, variance: np.ndarray, third: np.ndarray | None = None) -> None:
        """A gamma with this mean and variance; with `third` (the third central moment) a gamma shifted to match
        it too, which is the normal in the limit of no skew (shape 4/γ², scale σγ/2, γ the skewness)."""
        self.mean, self.variance = mean, variance
        with np.errstate(divide="ignore", invalid="ignore"):
            self.spread = (variance > 0) & (mean > 0)
            std = np.sqrt(np.where(self.spread, variance, 1.0))
            skew = 2 * std / np.where(self.spread, mean, 1) if third is None else third / std**3
            skew = np.clip(np.where(self.spread, skew, 1.0), 1e-6, None)
        self.shape, self.scale = 4 / np.square(skew), std * skew / 2
        self.shift = np.where(self.spread, mean - self.shape * self.scale, 0.0)

    def quantile(self, probability: np.ndarray) -> np.ndarray:
        p = np.broadcast_to(np.asarray(probability, dtype=float), self.mean.shape)
        return np.where(self.spread, self.shift + self.scale * gamma_quantile(self.shape, p), self.mean)

    def loss_and_below(self, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(E[(X − level)⁺], P(X ≤ level)) at the cost of one of them."""
        loss, below = gamma_loss_and_cdf(self.shape, self.scale, level - self.shift)
        return (np.where(self.spread, loss, np.maximum(self.mean - level, 0)),
                np.where(self.spread, below, (self.mean <= level).astype(float)))


def level_for_shortage(demand: ProtectionDemand, before: ProtectionDemand, offset: np.ndarray,
                       shortage: np.ndarray) -> np.ndarray:
    """The level x whose expected new back-orders per cycle, E[(X − x)⁺] − E[(Y − x − offset)⁺], equal `shortage`
    (X the demand the level protects against, Y the part already short before the cycle): Newton's method,
    bracketed, on a function that falls as x rises, with slope P(X ≤ x) − P(Y ≤ x + offset)."""
    std = np.sqrt(demand.variance)
    lo, hi = demand.mean - 40 * std - offset - 1.0, demand.mean + 60 * std + 1.0
    x = demand.mean.copy()
    certain = ~demand.spread  # no spread: the shortage falls one for one below the mean
    for _ in range(NEWTON_STEPS):
        (loss, below), (loss_before, below_before) = demand.loss_and_below(x), before.loss_and_below(x + offset)
        gap, slope = loss - loss_before - shortage, below - below_before
        lo, hi = np.where(gap > 0, x, lo), np.where(gap <= 0, x, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            stepped = x - gap / slope
        stepped = np.where(np.isfinite(stepped) & (stepped >= lo) & (stepped <= hi), stepped, (lo + hi) / 2)
        done = (np.abs(stepped - x) <= 1e-9 * (1 + np.abs(x))) | certain
        x = stepped
        if done.all():
            break
    return np.where(certain, demand.mean - shortage, x)


def _gamma_third_moment(mean: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """Third central moment of a gamma with this mean and variance, 2 σ⁴ / mean (0 without a mean)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mean > 0, 2 * np.square(variance) / np.where(mean > 0, mean, 1), 0.0)


def drawn_demand_levels(params: Mapping, policy: np.ndarray, level: np.ndarray, review_days: np.ndarray,
                        lead_time_days: np.ndarray, lead_time_std_days: np.ndarray, order_qty: np.ndarray,
                        distribution: str, fill: bool) -> tuple[np.ndarray, np.ndarray]:
    """(safety stock, level) per SKU — S for periodic review, s for the daily-reviewed — from the distribution of
    the demand the simulator draws (`ProtectionDemand`): the `level`-quantile for a cycle service level, or with
    `fill` the level whose expected back-orders per cycle are (1 − fill) × the demand of a cycle."""
    mu, var = drawn_daily_moments(params["mean_daily_demand"], params["std_daily_demand"], distribution)
    periodic, minmax = policy == "periodic", policy == "minmax"
    under_mean, under_var = undershoot_moments(mu, np.sqrt(var))
    lead = np.asarray(lead_time_days, dtype=float)
    days = np.where(periodic, lead + review_days, lead)
    lead_var = np.where(periodic, crossing_lead_variance(lead_time_std_days, review_days),
                        np.square(lead_time_std_days))
    base = mu * days + np.where(periodic, 0.0, under_mean)
    # Third central moments, for a gamma shifted to match three moments: a random sum of N days has
    # κ₃ = E[N] κ₃(D) + 3 μ σ² Var N (+ μ³ κ₃(N), nil for a lead time symmetric about its mean), so the lead
    # time's spread adds variance but little skew; the cut normal's days have their own κ₃.
    daily_third = (truncated_normal_third_moment(params["mean_daily_demand"], params["std_daily_demand"])
                   if distribution == "normal" else _gamma_third_moment(mu, var))
    lead_third = lead * daily_third + 3 * mu * var * lead_var
    third = np.where(periodic, days * daily_third + 3 * mu * var * lead_var,
                     lead_third + _gamma_third_moment(under_mean, under_var))
    demand = ProtectionDemand(base, days * var + np.square(mu) * lead_var + np.where(periodic, 0.0, under_var),
                              third)
    if not fill:
        top = demand.quantile(level)
        return top - base, top
    cycle_demand = np.where(periodic, mu * review_days, np.where(minmax, order_qty + under_mean, order_qty))
    shortage = (1 - np.asarray(level, dtype=float)) * cycle_demand
    carried = periodic | minmax  # back-orders carried into a cycle: (D_L − S)⁺ where the order fills up to S
    before = ProtectionDemand(np.where(carried, mu * lead, demand.mean),
                              np.where(carried, lead * var + np.square(mu) * lead_var, demand.variance),
                              np.where(carried, lead_third, third))
    top = level_for_shortage(demand, before, np.where(periodic, 0.0, order_qty), shortage)
    return top - base, top


def policy_levels(params: Mapping, policy: np.ndarray, z: np.ndarray, review_days: np.ndarray,
                  lead_time_days: np.ndarray, lead_time_std_days: np.ndarray, order_qty: np.ndarray, *,
                  fill_rate: np.ndarray | None = None, skewed: bool = False,
                  distribution: str | None = None) -> dict[str, np.ndarray]:
    """Per SKU: safety stock, reorder point s, order-up-to S and Q for each SKU's policy.

    Periodic review: the textbook S = μ_d (L + R) + SS(L + R), which one review every R days delivers exactly;
    with random lead times the lead-time variance is capped where orders cross (`crossing_lead_variance`).

    Reorder point and min-max are reviewed once a day, not continuously: when the review finds the position at
    or below s it is already U below s (the undershoot), and the order lands after L more days of demand, so a
    cycle has no shortage when D_L + U ≤ s. Hence s = μ_d L + E[U] + SS with SS = z × sqrt(L σ_d² + μ_d² σ_L² +
    Var U), U's moments from `undershoot_moments`. Chosen by measurement (steady SKUs, μ/σ 3–6, L 1–30 days,
    3,650 days, gamma demand): the textbook s = μ_d L + SS(L) delivered a cycle service level of 0.47 at a 0.80
    target and 0.86 at 0.995 (0.24–0.58 on 1-day lead times); a protection interval of L + 1 over-protected
    (0.93 at 0.80, 0.97 at 0.90: it adds a whole day's demand and its spread where the undershoot averages about
    half a day); the undershoot levels delivered within 0.01 of every target from 0.80 to 0.995 in total, and
    within 0.03 on every lead time, fixed or random (`benchmarks/service_level_bench.py`), with no simulation
    needed to set them (a calibration on the simulator would cost a run per slider move).

    With `skewed` (gamma demand, the default model), the reorder point and min of the daily-reviewed policies
    take the z-quantile of a gamma with D_L + U's mean and variance instead of a normal (`gamma_safety_stock`):
    on lumpy SKUs (σ_d/μ_d 1–5) the normal delivered 0.93 at a 0.95 target and 0.96 at 0.98, the gamma 0.95 and
    0.98; on steady SKUs the two agree within 0.01. Periodic review keeps SPEC's z × σ formula.

    With `fill_rate` (per SKU) the safety factor is not z but the k whose expected shortage per cycle,
    σ_P G(k), leaves that fill rate: demand per cycle is R μ_d (periodic), Q (reorder point) or Q + E[U]
    (min-max, which orders up to s + Q from U below s).

    For reorder point, S = s + Q is the position right after an order; for min-max, max = s + Q.

    With `distribution` ("gamma" or "normal", the model the simulator draws from), the levels come instead from
    `drawn_demand_levels`: the distribution of protection-interval demand as it is drawn; `z` is then read as
    the cycle service level Φ(z) it stands for.
    """
    if distribution is not None:
        return _drawn_levels(params, policy, z, review_days, lead_time_days, lead_time_std_days, order_qty,
                             fill_rate, distribution)
    mu = np.asarray(params["mean_daily_demand"], dtype=float)
    sigma = np.asarray(params["std_daily_demand"], dtype=float)
    periodic, minmax = policy == "periodic", policy == "minmax"
    under_mean, under_var = undershoot_moments(mu, sigma)
    lead_variance = np.square(mu * lead_time_std_days)
    protection_std = np.where(periodic,
                              np.sqrt((lead_time_days + review_days) * np.square(sigma)
                                      + np.square(mu) * crossing_lead_variance(lead_time_std_days, review_days)),
                              np.sqrt(lead_time_days * np.square(sigma) + lead_variance + under_var))
    if fill_rate is not None:
        cycle_demand = np.where(periodic, mu * review_days, np.where(minmax, order_qty + under_mean, order_qty))
        z = safety_factor_for_fill(fill_rate, cycle_demand, protection_std)
    ss = z * protection_std
    if skewed and fill_rate is None:
        daily_reviewed = ~periodic & (protection_std > 0)
        lead_demand = mu * lead_time_days + under_mean
        ss = np.where(daily_reviewed, gamma_safety_stock(z, lead_demand, protection_std), ss)
    reorder_point = np.where(periodic, mu * lead_time_days + safety_stock(z, mu, sigma, lead_time_days,
                                                                         lead_time_std_days),
                             mu * lead_time_days + under_mean + ss)
    order_up_to = np.where(periodic, mu * (lead_time_days + review_days) + ss, reorder_point + order_qty)
    return {
        "sku": np.asarray(params["sku"]),
        "policy": policy,
        "safety_stock": ss,
        "reorder_point": reorder_point,
        "order_up_to": order_up_to,
        "order_qty": np.where(periodic, mu * review_days, order_qty),
    }


def _drawn_levels(params: Mapping, policy: np.ndarray, z: np.ndarray, review_days: np.ndarray,
                  lead_time_days: np.ndarray, lead_time_std_days: np.ndarray, order_qty: np.ndarray,
                  fill_rate: np.ndarray | None, distribution: str) -> dict[str, np.ndarray]:
    if distribution not in DEMAND_MODELS:
        raise ValueError(f"demand distribution must be one of {', '.join(DEMAND_MODELS)}")
    periodic = policy == "periodic"
    target = fill_rate if fill_rate is not None else normal_cdf(np.broadcast_to(z, policy.shape))
    ss, top = drawn_demand_levels(params, policy, np.broadcast_to(target, policy.shape), review_days,
                                  lead_time_days, lead_time_std_days, order_qty, distribution, fill_rate is not None)
    mu = drawn_daily_moments(params["mean_daily_demand"], params["std_daily_demand"], distribution)[0]
    return {
        "sku": np.asarray(params["sku"]),
        "policy": policy,
        "safety_stock": ss,
        "reorder_point": np.where(periodic, top - mu * np.asarray(review_days, dtype=float), top),
        "order_up_to": np.where(periodic, top, top + order_qty),
        "order_qty": np.where(periodic, mu * review_days, order_qty),
    }
