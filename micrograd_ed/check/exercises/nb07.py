"""Checks of notebook 7, "The moons classifier".

* 7.1 :func:`more_regularization` -- ``weight_size(model)`` = Σ p², and what alpha does to it;
* 7.2 :func:`cross_entropy` -- the moons trained with ``bce_with_logits`` and 0/1 labels;
* 7.3 :func:`smaller_network` -- the parameters of the smaller MLP, counted by hand;
* 7.4 :func:`noisier` -- the accuracy on new noisy moons.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from micrograd_ed.check.exercises import Mistake, NotDone, Tally, blank, exercise, parameter_count
from micrograd_ed.nn import MLP


def accuracy(model, X: np.ndarray, y: np.ndarray) -> float:
    """The share of points whose score has the label's side: s > 0 means +1 (or 1), else -1
    (or 0). The same numbers as micrograd_ed.train.accuracy for these linear-output networks,
    computed here because the checks sit below train in the package."""
    scores = np.asarray(model(np.asarray(X, dtype=float)).data, dtype=float).reshape(-1)
    labels = np.asarray(y).reshape(-1)
    negative = -1 if (labels == -1).any() else 0
    return float(np.mean(np.where(scores > 0, 1, negative) == labels))


def _size(model) -> float:
    return float(sum(p.data**2 for p in model.parameters()))


@exercise("7.1", "more regularization", "weight_size is Σ p²", "alpha and the weights' size")
def more_regularization(t: Tally, weight_size: Callable, model, strong, alpha: float,
                        strong_alpha: float) -> None:
    """weight_size(model) = Σ p²; a larger alpha leaves smaller weights (a smaller, larger)."""
    probe = MLP(2, [3, 1], seed=4)
    with t.part("weight_size is Σ p²"):
        got = weight_size(probe)
        if got is None or got is Ellipsis:
            raise NotDone("not done yet: weight_size returns nothing yet. Write it, run its "
                          "cell, then this one.")
        want = _size(probe)
        if math.isclose(float(got), sum(abs(p.data) for p in probe.parameters()), rel_tol=1e-9):
            raise Mistake(f"weight_size gives Σ|p| = {float(got):.4f}", "square each "
                          "parameter: the L2 penalty is α Σ p²")
        if math.isclose(float(got), math.sqrt(want), rel_tol=1e-9):
            raise Mistake(f"weight_size gives the root √(Σ p²) = {float(got):.4f}",
                          "the L2 penalty is α Σ p², no root")
        if not math.isclose(float(got), want, rel_tol=1e-9):
            raise Mistake(f"weight_size gives {float(got):.4f} for a small network whose "
                          f"Σ p² is {want:.4f}", "sum p.data ** 2 over model.parameters()")
    with t.part("alpha and the weights' size"):
        a, b = _size(model), _size(strong)
        if strong_alpha > alpha and not b < a:
            raise Mistake(f"with alpha = {strong_alpha:g} the weights are not smaller "
                          f"({b:.1f} vs {a:.1f}): was strong trained with strong_alpha?")
        if strong_alpha < alpha and not b > a:
            raise Mistake(f"with alpha = {strong_alpha:g} the weights are not larger "
                          f"({b:.1f} vs {a:.1f}): was strong trained with strong_alpha?")


@exercise("7.2", "cross-entropy instead of the hinge", "trained for 100 epochs",
          "it separates new moons")
def cross_entropy(t: Tally, ce_model, ce_history, X_new: np.ndarray,
                  y_new01: np.ndarray) -> None:
    """ce_model trained with bce_with_logits on the 0/1 labels; accuracy on 500 new points."""
    blank(ce_history, "ce_history")
    with t.part("trained for 100 epochs"):
        if not hasattr(ce_history, "loss") or len(ce_history.loss) != 100:
            raise Mistake(f"ce_history is {ce_history!r}, not the History of 100 epochs",
                          "ce_history = retrain(ce_model, X, y01, loss=\"bce_with_logits\")")
    with t.part("it separates new moons"):
        acc = accuracy(ce_model, X_new, y_new01)
        fresh = MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=1)
        if [p.data for p in ce_model.parameters()] == [p.data for p in fresh.parameters()]:
            raise Mistake(f"ce_model is untrained (it gets {acc:.3f} of the new points right)",
                          "pass ce_model itself to retrain: retrain(ce_model, X, y01, "
                          "loss=\"bce_with_logits\")")
        if acc <= 0.9:
            raise Mistake(f"ce_model gets {acc:.3f} of the 500 new points right",
                          "train with loss=\"bce_with_logits\" and the 0/1 labels y01 (not "
                          "the ±1 labels y, which the hinge loss wants)")


@exercise("7.3", "a smaller network", "its parameters, by hand")
def smaller_network(t: Tally, small, my_count: object) -> None:
    """my_count: the parameters of ``small``, whatever sizes it has."""
    blank(my_count, "my_count")
    with t.part("its parameters, by hand"):
        sizes = [layer.nout for layer in small.layers]
        parameter_count(small, my_count, f"MLP(2, {sizes})")


@exercise("7.4", "noisier moons", "accuracy on the new points", "lower than with noise 0.1")
def noisier(t: Tally, noisy, X_nn: np.ndarray, y_nn01: np.ndarray, noisy_new: object,
            new_acc: float, X_noisy: np.ndarray, y_noisy01: np.ndarray) -> None:
    """noisy_new: the noisy model's accuracy on the 500 new noisy points."""
    blank(noisy_new, "noisy_new")
    want = accuracy(noisy, X_nn, 2 * y_nn01 - 1)
    with t.part("accuracy on the new points"):
        got = float(noisy_new)
        on_training = accuracy(noisy, X_noisy, 2 * y_noisy01 - 1)
        if math.isclose(got, on_training) and not math.isclose(got, want):
            raise Mistake(f"noisy_new = {got:.3f} is the accuracy on the 100 training points",
                          "measure on the 500 new points X_nn, y_nn01: points the network has "
                          "not seen")
        if not math.isclose(got, want):
            raise Mistake(f"noisy_new = {got:.3f}, but the noisy model gets {want:.3f} of the "
                          "500 new noisy points right", "accuracy(noisy, X_nn, 2 * y_nn01 - 1)")
    with t.part("lower than with noise 0.1"):
        if not want < new_acc - 0.05:
            raise Mistake(f"{want:.3f} is not clearly below {new_acc:.3f}: was noisy trained "
                          "on the noisy moons?")
