"""Checks of notebook 8, "Digits".

* 8.1 :func:`relu_layers` -- one epoch of the relu network, watched on the validation set;
* 8.2 :func:`early_stopping` -- the best epoch and the epoch a patience of 3 stops after;
* 8.3 :func:`wider` -- the parameters of the 784-32-32-10 network, by hand;
* 8.4 :func:`most_confident_mistake` -- the wrong test digit with the highest probability.
"""

from __future__ import annotations

import math

import numpy as np

from micrograd_ed.check.exercises import Mistake, Tally, blank, exercise, parameter_count


@exercise("8.1", "ReLU hidden layers", "watched on the validation set", "it learns")
def relu_layers(t: Tally, relu_history) -> None:
    """relu_history: fit(...) of digit_network("relu") with validation=(X_val, y_val)."""
    blank(relu_history, "relu_history")
    with t.part("watched on the validation set"):
        if not hasattr(relu_history, "val_accuracy"):
            raise Mistake(f"relu_history is {relu_history!r}, not what fit returns")
        if not relu_history.val_accuracy:
            raise Mistake("relu_history has no validation accuracy",
                          "pass validation=(X_val, y_val) to fit")
    with t.part("it learns"):
        # on validation digits after one epoch the relu net reads about 0.9; without
        # validation, the training accuracy averaged over the first epoch is lower (~0.74)
        watched = bool(relu_history.val_accuracy)
        acc = (relu_history.val_accuracy if watched else relu_history.accuracy)[-1]
        if not acc > (0.8 if watched else 0.5):
            raise Mistake(f"the relu network reads only {acc:.3f} of the digits",
                          "train it as the sigmoid one: cross_entropy, Adam(lr=0.01), "
                          "batch_size=32")


def _early(val_loss: list[float], patience: int = 3) -> tuple[int, int | None]:
    best, best_epoch, waited = math.inf, 0, 0
    for e, v in enumerate(val_loss, start=1):
        if v < best:
            best, best_epoch, waited = v, e, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, e
    return best_epoch, None


@exercise("8.2", "early stopping", "the best epoch", "the stopping epoch")
def early_stopping(t: Tally, val_loss: list[float], best_epoch: object,
                   stop_at: object) -> None:
    """best_epoch (from 1) and stop_at (None if patience never runs out) for val_loss."""
    blank(best_epoch, "best_epoch")
    want_best, want_stop = _early(list(val_loss))
    with t.part("the best epoch"):
        if int(best_epoch) == want_best - 1:
            raise Mistake(f"best_epoch = {best_epoch} counts from 0", "epochs count from 1: "
                          "enumerate(history.val_loss, start=1)")
        if int(best_epoch) != want_best:
            raise Mistake(f"best_epoch = {best_epoch}, but the validation loss is lowest (so "
                          f"far, when patience runs out) at epoch {want_best}")
    with t.part("the stopping epoch"):
        if stop_at is Ellipsis:
            raise Mistake("stop_at is still `...`")
        if stop_at != want_stop:
            raise Mistake(f"stop_at = {stop_at!r}, but with a patience of 3 it stops after "
                          f"epoch {want_stop}" if want_stop else
                          f"stop_at = {stop_at!r}, but the patience of 3 never runs out "
                          "(stop_at = None)", "count the epochs without a new best since "
                          "the best one; stop when that count reaches 3")


@exercise("8.3", "wider hidden layers", "its parameters, by hand")
def wider(t: Tally, wide, my_count: object) -> None:
    """my_count: the parameters of MLP(784, [32, 32, 10])."""
    blank(my_count, "my_count")
    with t.part("its parameters, by hand"):
        parameter_count(wide, my_count, "MLP(784, [32, 32, 10])")


@exercise("8.4", "the most confident mistake", "a misclassified digit", "the most confident one")
def most_confident_mistake(t: Tally, k_worst: object, P: np.ndarray, pred: np.ndarray,
                           y_test: np.ndarray) -> None:
    """k_worst: the test image read wrongly with the highest probability."""
    blank(k_worst, "k_worst")
    k = int(k_worst)
    wrong = np.flatnonzero(pred != y_test)
    with t.part("a misclassified digit"):
        if (pred[k] == y_test[k] and k < len(wrong)
                and P[wrong[k], pred[wrong[k]]] == P[wrong, pred[wrong]].max()):
            raise Mistake(f"test image {k} is read correctly; you have the position of the "
                          f"mistake in wrong, not its test index",
                          "np.argmax gives a position in the array wrong: the test image is "
                          "wrong[position]")
        if pred[k] == y_test[k]:
            raise Mistake(f"test image {k} is a {y_test[k]}, read correctly (probability "
                          f"{P[k, pred[k]]:.3f})", "look only among the wrong ones: "
                          "wrong = np.flatnonzero(pred != y_test)")
    with t.part("the most confident one"):
        conf = P[wrong, pred[wrong]]
        if not P[k, pred[k]] == conf.max():
            raise Mistake(f"image {k} was read as {pred[k]} with probability {P[k, pred[k]]:.3f}; "
                          f"the most confident mistake has {conf.max():.3f}",
                          "take the probability of the network's own answer, P[wrong, "
                          "pred[wrong]], and its argmax")
