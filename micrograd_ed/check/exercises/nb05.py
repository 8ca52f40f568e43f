"""Checks of notebook 5, "Gradient descent".

* 5.1 :func:`largest_rate` -- a convergence test that rejects η = 0.667, and the largest rate;
* 5.2 :func:`steeper_bowl` -- the rate limit of C = 5x² + y²/2 and the steps y needs;
* 5.3 :func:`pure_sgd` -- SGD with one example per step.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from micrograd_ed.check.exercises import Mistake, NotDone, Tally, blank, exercise


@exercise("5.1", "the largest learning rate", "converges() on clear cases",
          "converges() just above 2/3", "the largest rate on your grid")
def largest_rate(t: Tally, converges: Callable, largest: object, tried: np.ndarray) -> None:
    """converges(lr) for C = 3/2 x² + 1/2 y²; ``largest``: the largest converging rate tried."""
    probe = converges(0.5)
    if probe is Ellipsis or probe is None:
        raise NotDone("not done yet: converges still returns `...`. Write its test, run its "
                      "cell, then this one.")
    with t.part("converges() on clear cases"):
        for lr, want in ((0.05, True), (0.5, True), (0.7, False), (1.0, False)):
            if bool(converges(lr)) is not want:
                raise Mistake(f"converges({lr}) is {bool(converges(lr))}, but η = {lr} "
                              f"{'converges' if want else 'diverges'} (x factor {1 - 3 * lr:+.2f})")
    with t.part("converges() just above 2/3"):
        for lr in (0.667, 0.6675, 0.67):
            if converges(lr):
                raise Mistake(f"converges({lr}) is True, but {lr} > 2/3: x grows by a factor "
                              f"{abs(1 - 3 * lr):.4f} every step",
                              "after 200 steps the cost is still below the start's although x "
                              "grows: ask whether the cost is still falling at the end (the "
                              "last step against the middle one), or whether |x| shrank")
        for lr in (0.6, 0.66, 0.665):
            if not converges(lr):
                raise Mistake(f"converges({lr}) is False, but {lr} < 2/3 converges "
                              f"(x factor {1 - 3 * lr:+.3f}, slowly)")
    blank(largest, "largest")
    with t.part("the largest rate on your grid"):
        grid = np.asarray(tried, dtype=float)
        below = grid[grid < 2 / 3]
        if below.size == 0:
            raise Mistake("your grid has no rate below 2/3")
        want = below.max()
        if not math.isclose(float(largest), want, abs_tol=1e-12):
            raise Mistake(f"largest = {largest!r}, but the largest rate of your grid below "
                          f"2/3 is {want:g}", "largest = max(lr for lr in tried if "
                          "converges(lr))")


@exercise("5.2", "a steeper bowl", "the largest rate", "the steps y needs")
def steeper_bowl(t: Tally, eta_max: object, steps: object) -> None:
    """C = 5x² + y²/2: η < 2/10; y from 2.5 below 0.01 at η = 0.99·η_max."""
    blank(eta_max, "eta_max")
    with t.part("the largest rate"):
        got = float(eta_max)
        if math.isclose(got, 2 / 5, rel_tol=1e-9):
            raise Mistake("eta_max = 2/5 reads the 5 of 5x² as the curvature",
                          "∂C/∂x = 10x, so the x factor is 1 - 10η, which must stay above -1")
        if not math.isclose(got, 0.2, rel_tol=1e-9):
            raise Mistake(f"eta_max = {got:g}; the x factor 1 - 10η must stay above -1")
    blank(steps, "steps")
    with t.part("the steps y needs"):
        counts = set()
        rates = [0.99 * 0.2, 0.2]
        try:
            own = float(eta_max)
        except (TypeError, ValueError):
            own = 0.2
        if 0 < own < 1:                      # follow-through: the steps for your own rate
            rates.append(0.99 * own)
        for eta in rates:
            y, k = 2.5, 0
            while abs(y) >= 0.01:
                y *= 1 - eta
                k += 1
            counts.add(k)
        if int(steps) not in counts:
            raise Mistake(f"steps = {steps!r}, but y needs {min(counts)} to {max(counts)} steps "
                          "(it shrinks by the factor 1 - η each step, η = 0.99 · eta_max)",
                          "count steps until |y| < 0.01, with the rate just below eta_max")


@exercise("5.3", "pure SGD", "one step per example", "it jitters around the best w")
def pure_sgd(t: Tally, sgd_path: object, X: np.ndarray, best: np.ndarray) -> None:
    """train(1, 0.05): 10 epochs of one-example steps, wandering around the least squares w."""
    blank(sgd_path, "sgd_path")
    with t.part("one step per example"):
        path = np.asarray(sgd_path)
        n = len(path) - 1
        if n != 10 * len(X):
            raise Mistake(f"the path has {n} steps; 10 epochs with one example per step make "
                          f"{10 * len(X)}", "train(batch_size=1, lr=0.05)")
    with t.part("it jitters around the best w"):
        late = path[len(path) // 2:]
        if not late[:, 0].min() < best[0] < late[:, 0].max():
            raise Mistake(f"in the second half w stays between {late[:, 0].min():.2f} and "
                          f"{late[:, 0].max():.2f}, not around the best {best[0]:.2f}",
                          "with lr = 0.05 the path should reach the star early")
