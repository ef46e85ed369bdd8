"""The 1-D theory of Goodfellow et al. (2014) in plain NumPy: densities on a grid,
the optimal discriminator, the value function, the Jensen-Shannon divergence, and
the two generator losses with their gradients.

Integrals are trapezoid sums on a fine grid ``x``; the densities are arrays on that
grid. Everything here is pure (numbers in, numbers out), so it can be unit-tested and
re-used by the widgets without a kernel.
"""
import numpy as np
from scipy.special import expit, rel_entr, xlogy

LOG4 = float(np.log(4.0))

#: The trapezoid rule ∫ y dx, ``trapezoid(y, x)``, under every supported NumPy: NumPy 2 calls it
#: ``np.trapezoid``, NumPy 1.x ``np.trapz`` (removed in NumPy 2.4). Use this name, not either.
trapezoid = getattr(np, "trapezoid", None) or np.trapz


def gaussian_pdf(x, mean=0.0, std=1.0):
    """Density of N(mean, std²) at ``x``."""
    if np.any(np.asarray(std) <= 0):
        raise ValueError(f"gaussian_pdf: std must be > 0, got {std}.")
    z = (np.asarray(x, dtype=np.float64) - mean) / std
    return np.exp(-0.5 * z * z) / (std * np.sqrt(2.0 * np.pi))


def grid_for(*mean_std, width=10.0, n=20001):
    """An evenly spaced grid covering every N(mean, std²) given to ``width`` std each side."""
    lo = min(m - width * s for m, s in mean_std)
    hi = max(m + width * s for m, s in mean_std)
    return np.linspace(lo, hi, n)


def integrate(y, x):
    """Trapezoid rule ∫ y dx on the grid ``x``."""
    return float(trapezoid(y, x))


def optimal_discriminator(p_data, p_g):
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Goodfellow et al. 2014, Prop. 1).

    Where both densities are 0 the value is irrelevant to V; we return 1/2 there.
    """
    p_data = np.asarray(p_data, dtype=np.float64)
    p_g = np.asarray(p_g, dtype=np.float64)
    total = p_data + p_g
    return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)


def value_function(d, p_data, p_g, x, one_minus_d=None):
    """V(D, G) = ∫ p_data log D + p_g log(1 - D) dx for a discriminator ``d`` on the grid.

    ``xlogy`` makes 0·log 0 = 0, so regions a density does not reach contribute nothing.
    Where D is within 1e-16 of 1, ``1 - d`` rounds to 0 and log(1 - D) to -inf; pass
    ``one_minus_d`` when you can compute 1 - D directly (for D*, it is p_g/(p_data + p_g)).
    """
    d = np.asarray(d, dtype=np.float64)
    one_minus_d = 1.0 - d if one_minus_d is None else np.asarray(one_minus_d, dtype=np.float64)
    return integrate(xlogy(p_data, d) + xlogy(p_g, one_minus_d), x)


def kl_divergence(p, q, x):
    """KL(p ‖ q) = ∫ p log(p/q) dx (natural log, nats)."""
    return integrate(rel_entr(p, q), x)


def jsd(p, q, x):
    """Jensen-Shannon divergence ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2, in nats (≤ log 2).

    Computed from KL divergences to the mixture, independently of the value function.
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m, x) + 0.5 * kl_divergence(q, m, x)


def minimax_state(g_mean, g_std, data_mean=0.0, data_std=1.0, n=20001):
    """Everything the minimax picture needs for p_data = N(data_mean, data_std²) and
    p_g = N(g_mean, g_std²): the grid, both densities, D*, V(D*, G) and JSD.

    ``C`` is the theory's prediction -log 4 + 2·JSD; ``V`` is the integral itself.
    """
    x = grid_for((data_mean, data_std), (g_mean, g_std), n=n)
    p_data = gaussian_pdf(x, data_mean, data_std)
    p_g = gaussian_pdf(x, g_mean, g_std)
    d_star = optimal_discriminator(p_data, p_g)
    one_minus = optimal_discriminator(p_g, p_data)  # 1 - D*, without the rounding of 1 - D*
    js = jsd(p_data, p_g, x)
    return {"x": x, "p_data": p_data, "p_g": p_g, "d_star": d_star,
            "V": value_function(d_star, p_data, p_g, x, one_minus), "JSD": js,
            "C": -LOG4 + 2.0 * js, "g_mean": float(g_mean), "g_std": float(g_std)}


# --- generator losses as functions of D's logit l on a fake sample, D(G(z)) = σ(l) -------

def sigmoid(logits):
    return expit(np.asarray(logits, dtype=np.float64))


def minimax_generator_loss(logits):
    """Minimax generator loss per sample, log(1 - σ(l)) = -softplus(l); G minimises it."""
    return -np.logaddexp(0.0, np.asarray(logits, dtype=np.float64))


def non_saturating_generator_loss(logits):
    """Non-saturating generator loss per sample, -log σ(l) = softplus(-l); G minimises it."""
    return np.logaddexp(0.0, -np.asarray(logits, dtype=np.float64))


def minimax_generator_grad(logits):
    """d/dl log(1 - σ(l)) = -σ(l): tends to 0 as D(G(z)) = σ(l) -> 0."""
    return -sigmoid(logits)


def non_saturating_generator_grad(logits):
    """d/dl [-log σ(l)] = σ(l) - 1: tends to -1 as D(G(z)) -> 0."""
    return sigmoid(logits) - 1.0


# --- what each generator loss descends against D* (Arjovsky & Bottou 2017, Sec. 2.2) ----------
# For a generator with density p_θ facing D* = p_data/(p_data + p_θ0), the optimal discriminator
# of its *current* density p_θ0, held fixed while G takes its step (m0 = (p_data + p_θ0)/2):
#     E_{p_θ}[-log D*]     = KL(p_θ ‖ p_data) - KL(p_θ ‖ m0) + log 2
#     E_{p_θ}[log(1 - D*)] = KL(p_θ ‖ m0) - KL(p_θ ‖ p_θ0) - log 2
# and at θ = θ0, ∇ KL(p_θ ‖ m0) = ∇ 2·JSD(p_θ ‖ p_data), ∇ KL(p_θ ‖ p_θ0) = 0. So the expected
# gradient of the non-saturating loss is ∇[KL(p_g ‖ p_data) - 2·JSD] (their Theorem 2.5), the
# minimax loss's is ∇ 2·JSD (= ∇ V(D*, G), Goodfellow et al. 2014, Thm. 1).

def gaussian_mixture_pdf(x, means, stds, weights=None):
    """Density of the mixture Σ w_k N(means[k], stds[k]²) at ``x`` (equal weights by default)."""
    means, stds = np.atleast_1d(means), np.atleast_1d(stds)
    weights = (np.full(len(means), 1.0 / len(means)) if weights is None
               else np.asarray(weights, float))
    if not (len(means) == len(stds) == len(weights)) or abs(weights.sum() - 1.0) > 1e-12:
        raise ValueError("gaussian_mixture_pdf: one mean, std and weight per component; "
                         "weights sum to 1.")
    return sum(w * gaussian_pdf(x, m, s) for m, s, w in zip(means, stds, weights))


def generator_objectives(p_data, p_g, x):
    """What the two generator losses amount to against D* of (p_data, p_g), on the grid ``x``.

    ``jsd`` = JSD(p_g ‖ p_data); ``kl`` = KL(p_g ‖ p_data) (reverse KL: infinite where p_g has
    mass and p_data none); ``minimax`` = 2·JSD, whose gradient the minimax loss
    E[log(1 - D*)] follows; ``non_saturating`` = KL(p_g ‖ p_data) - 2·JSD, whose gradient the
    non-saturating loss E[-log D*] follows; ``E_minus_log_d`` = E_{p_g}[-log D*] and
    ``E_log_one_minus_d`` = E_{p_g}[log(1 - D*)], the expected losses themselves.
    """
    p_data = np.asarray(p_data, dtype=np.float64)
    p_g = np.asarray(p_g, dtype=np.float64)
    js, kl = jsd(p_g, p_data, x), kl_divergence(p_g, p_data, x)
    with np.errstate(divide="ignore"):
        minus_log_d = -integrate(xlogy(p_g, optimal_discriminator(p_data, p_g)), x)
    return {"jsd": js, "kl": kl, "minimax": 2.0 * js, "non_saturating": kl - 2.0 * js,
            "E_minus_log_d": minus_log_d,
            "E_log_one_minus_d": integrate(xlogy(p_g, optimal_discriminator(p_g, p_data)), x)}


def gaussian_generator_gradients(x, p_data, mean, std):
    """Expected gradients of both generator losses for G(z) = mean + std·z, z ~ N(0, 1), facing
    the optimal discriminator D* of its current density p_g = N(mean, std²), held fixed.

    Pathwise, as backpropagation through G computes them, averaged over z (integrals on ``x``):
    d/d mean E_z[loss(G(z))] = E_{p_g}[loss'(x)] and d/d std = E_{p_g}[loss'(x)·(x - mean)/std].
    Per sample, with the scores s = d/dx log p (``s_data`` by finite differences on the grid):
        non-saturating, -log D*(x):      loss' = -(1 - D*)·(s_data - s_g)
        minimax,        log(1 - D*(x)):  loss' = -D*·(s_data - s_g) = D*/(1 - D*) × the above
    Returns the two gradients as arrays ``[d/d mean, d/d std]`` (G steps against them), and the
    per-sample slopes ``slope_non_saturating``, ``slope_minimax`` with ``d_star``, ``p_g``.
    """
    x = np.asarray(x, dtype=np.float64)
    p_data = np.asarray(p_data, dtype=np.float64)
    if np.any(p_data <= 0):
        raise ValueError("gaussian_generator_gradients: p_data must be > 0 on the whole grid "
                         "(its score d/dx log p_data is taken there); use a narrower grid.")
    p_g = gaussian_pdf(x, mean, std)
    d_star = optimal_discriminator(p_data, p_g)
    score_gap = np.gradient(np.log(p_data), x) + (x - mean) / std**2  # s_data - s_g
    slope_ns = -optimal_discriminator(p_g, p_data) * score_gap      # 1 - D*, without rounding
    slope_mm = -d_star * score_gap
    z = (x - mean) / std

    def expected(slope):
        return np.array([integrate(p_g * slope, x), integrate(p_g * slope * z, x)])

    return {"non_saturating": expected(slope_ns), "minimax": expected(slope_mm),
            "slope_non_saturating": slope_ns, "slope_minimax": slope_mm,
            "d_star": d_star, "p_g": p_g}


# --- 03 · label smoothing: soft targets (Salimans et al. 2016, Sec. 3.4) ------------------------
# D is trained with target α for real samples and β for fakes (α = 1, β = 0 is the plain GAN;
# α = 0.9, β = 0 is one-sided smoothing). Per sample, on D's logit l:
#     BCE(t, l) = -t·log σ(l) - (1 - t)·log(1 - σ(l)) = softplus(l) - t·l,   d/dl = σ(l) - t.

def _check_target(name, t):
    t = np.asarray(t, dtype=np.float64)
    if np.any(~np.isfinite(t)) or np.any(t < 0.0) or np.any(t > 1.0):
        raise ValueError(f"{name} must lie in [0, 1] (a probability that the sample is real), "
                         f"got {t if t.ndim else float(t)}.")
    return t


def soft_bce(targets, logits):
    """Binary cross-entropy with a soft target t ∈ [0, 1], per sample: softplus(l) - t·l.

    Stable for any logit (no log of 0). Minimal, over l, at σ(l) = t, where it equals the
    binary entropy H(t) (0 only for a hard target 0 or 1).
    """
    t = _check_target("targets", targets)
    logits = np.asarray(logits, dtype=np.float64)
    return np.logaddexp(0.0, logits) - t * logits


def soft_bce_grad(targets, logits):
    """d BCE(t, l) / dl = σ(l) - t: zero at D = σ(l) = t, positive (pushing l down) above it."""
    t = _check_target("targets", targets)
    return sigmoid(logits) - t


def smoothed_optimal_discriminator(p_data, p_g, alpha=1.0, beta=0.0):
    """D*(x) = (α·p_data + β·p_g) / (p_data + p_g) for real/fake targets (α, β).

    The pointwise maximiser of p_data·[α log y + (1-α) log(1-y)] + p_g·[β log y + (1-β) log(1-y)]
    (Salimans et al. 2016, Sec. 3.4). α = 1, β = 0 gives :func:`optimal_discriminator`.
    Where both densities are 0 the value is irrelevant; we return (α + β)/2 there.
    """
    alpha, beta = _check_target("alpha", alpha), _check_target("beta", beta)
    p_data = np.asarray(p_data, dtype=np.float64)
    p_g = np.asarray(p_g, dtype=np.float64)
    total = p_data + p_g
    fill = np.broadcast_to(0.5 * (alpha + beta), total.shape).astype(np.float64)
    return np.divide(alpha * p_data + beta * p_g, total, out=fill.copy(), where=total > 0)


def smoothed_d_objective(y, p_data, p_g, alpha=1.0, beta=0.0):
    """The quantity D maximises at one point x, as a function of its output y = D(x):
    p_data·[α log y + (1-α) log(1-y)] + p_g·[β log y + (1-β) log(1-y)]  (minus the
    density-weighted soft BCE). ``xlogy`` keeps 0·log 0 = 0."""
    alpha, beta = _check_target("alpha", alpha), _check_target("beta", beta)
    y = np.asarray(y, dtype=np.float64)
    a, b = np.asarray(p_data, dtype=np.float64), np.asarray(p_g, dtype=np.float64)
    return xlogy(alpha * a + beta * b, y) + xlogy((1 - alpha) * a + (1 - beta) * b, 1.0 - y)


def _gaussian_logpdf(x, mean, std):
    z = (np.asarray(x, dtype=np.float64) - mean) / std
    return -0.5 * z * z - np.log(std * np.sqrt(2.0 * np.pi))


def smoothed_log_d_star(x, alpha, beta, data=(0.0, 1.0), g=(4.0, 1.0)):
    """log D*(x) and its slope d/dx log D*(x) for Gaussian p_data = N(*data), p_g = N(*g).

    The slope is the *push* a fake sample at x gets from the non-saturating generator loss
    -log D(G(z)) facing D*: G moves its samples up the slope of log D*. Computed from log
    densities, so it is exact far in the tails where p_data underflows to 0:
        d/dx log D* = (w_num - w_den)·(s_data - s_g),
    where s = d/dx log p are the two scores, w_num = α·p_data/(α·p_data + β·p_g) and
    w_den = p_data/(p_data + p_g). Returns ``(log_d_star, push)``, arrays like ``x``.
    """
    alpha, beta = float(_check_target("alpha", alpha)), float(_check_target("beta", beta))
    if alpha == 0.0 and beta == 0.0:
        raise ValueError("alpha = beta = 0 makes D* = 0 everywhere: log D* is -inf.")
    x = np.asarray(x, dtype=np.float64)
    log_pd, log_pg = _gaussian_logpdf(x, *data), _gaussian_logpdf(x, *g)
    with np.errstate(divide="ignore"):
        la, lb = np.log(alpha), np.log(beta)  # -inf for a zero target: that term vanishes
    log_num = np.logaddexp(la + log_pd, lb + log_pg)
    log_den = np.logaddexp(log_pd, log_pg)
    w_num = np.exp(la + log_pd - log_num)
    w_den = np.exp(log_pd - log_den)
    s_data = -(x - data[0]) / data[1] ** 2
    s_g = -(x - g[0]) / g[1] ** 2
    return log_num - log_den, (w_num - w_den) * (s_data - s_g)


def smoothing_state(alpha, beta=0.0, data=(0.0, 1.0), g=(4.0, 1.0), logit_range=8.0,
                    x_range=(-4.0, 8.0), n=1201):
    """Everything the label-smoothing picture needs, for real/fake targets (α, β).

    On D's logit l (``logits``): D's loss on a real sample BCE(α, l) and on a fake BCE(β, l),
    with their gradients σ(l) - α and σ(l) - β; the best logits logit(α) and logit(β)
    (±inf for hard targets). On x (``x``): p_data = N(*data), p_g = N(*g), D*(x) under
    (α, β), and ``push`` = d/dx log D*(x). Summaries: ``d_max`` = the largest D* (at most α),
    ``tail_x`` = the right end of the grid, where p_g ≫ p_data, and ``d_tail``, ``push_tail``
    there (D* → β; the push vanishes when β > 0), ``push_at_g_mean`` at p_g's mean.
    """
    alpha, beta = float(_check_target("alpha", alpha)), float(_check_target("beta", beta))
    logits = np.linspace(-logit_range, logit_range, 401)
    x = np.linspace(x_range[0], x_range[1], n)
    p_data, p_g = gaussian_pdf(x, *data), gaussian_pdf(x, *g)
    d_star = smoothed_optimal_discriminator(p_data, p_g, alpha, beta)
    _, push = smoothed_log_d_star(x, alpha, beta, data, g)
    with np.errstate(divide="ignore"):
        best = {k: float(np.log(t) - np.log1p(-t)) for k, t in (("real", alpha), ("fake", beta))}
    i_g = int(np.argmin(np.abs(x - g[0])))
    return {"alpha": alpha, "beta": beta, "logits": logits,
            "loss_real": soft_bce(alpha, logits), "loss_fake": soft_bce(beta, logits),
            "grad_real": soft_bce_grad(alpha, logits), "grad_fake": soft_bce_grad(beta, logits),
            "best_logit_real": best["real"], "best_logit_fake": best["fake"],
            "x": x, "p_data": p_data, "p_g": p_g, "d_star": d_star, "push": push,
            "d_max": float(d_star.max()), "tail_x": float(x[-1]), "d_tail": float(d_star[-1]),
            "push_tail": float(push[-1]), "push_at_g_mean": float(push[i_g])}



# --- the bilinear game min_x max_y x·y: why simultaneous steps spiral out --------------------

BILINEAR_UPDATES = ("simultaneous", "alternating")


def bilinear_game(x0=1.0, y0=0.0, lr=0.1, steps=100, updates="simultaneous"):
    """Gradient play on min_x max_y f(x, y) = x·y, whose only equilibrium is (0, 0).

    x descends (x ← x − η·∂f/∂x = x − η·y), y ascends (y ← y + η·∂f/∂y = y + η·x):

    * ``"simultaneous"``: both from the same point. The step is η·(−y, x), at right angles
      to (x, y), so each step lengthens the radius: r_{t+1} = √(1 + η²)·r_t exactly; the
      players spiral *outwards* for every η > 0 (Mescheder et al. 2017, "The Numerics of
      GANs": the Jacobian's eigenvalues ±i have zero real part).
    * ``"alternating"``: y steps against the *updated* x. The map has determinant 1 and
      conserves x² − η·x·y + y², so for η < 2 the players *cycle* on an ellipse: bounded,
      but never converging either (Gidel et al. 2019, "Negative Momentum for Improved Game
      Dynamics").

    Returns the trajectory as an array of shape (steps + 1, 2): (x_t, y_t), t = 0..steps.
    """
    if updates not in BILINEAR_UPDATES:
        raise ValueError(f"bilinear_game: updates must be one of "
                         f"{', '.join(BILINEAR_UPDATES)}, got {updates!r}.")
    if not lr > 0 or int(steps) != steps or steps < 0:
        raise ValueError(f"bilinear_game: lr must be > 0 and steps a whole number >= 0, got "
                         f"lr={lr}, steps={steps}.")
    out = np.empty((int(steps) + 1, 2))
    x, y = float(x0), float(y0)
    out[0] = x, y
    for t in range(1, int(steps) + 1):
        if updates == "simultaneous":
            x, y = x - lr * y, y + lr * x
        else:
            x = x - lr * y
            y = y + lr * x
        out[t] = x, y
    return out
