"""Checks of notebook 4, "One neuron".

* 4.1 :func:`other_label` -- dL/dz of a sigmoid neuron for the label 0, factor by factor;
* 4.2 :func:`less_noise` -- |w| of logistic regression on cleaner clouds, and the band's width;
* 4.3 :func:`step_on_nand` -- the step neuron's cost and gradients on NAND's truth table.
"""

from __future__ import annotations

import math

from micrograd_ed.check.exercises import Mistake, Tally, blank, exercise
from micrograd_ed.engine import Value


@exercise("4.1", "the other label", "dL/da", "da/dz", "dL/dz = a - y")
def other_label(t: Tally, my_dL_da: object, my_da_dz: object, a0: Value, z0: Value) -> None:
    """L = -log(1 - a), a = sigmoid(z): the two factors of dL/dz by hand."""
    a = a0.data
    blank(my_dL_da, "my_dL_da")
    with t.part("dL/da"):
        got = float(my_dL_da)
        if math.isclose(got, -1 / (1 - a), rel_tol=1e-9):
            raise Mistake(f"dL/da = {got:.4f} has the wrong sign",
                          "L = -log(1 - a): the minus of -log and the minus of 1 - a cancel, "
                          "so dL/da = +1/(1 - a)")
        if math.isclose(got, -1 / a, rel_tol=1e-9):
            raise Mistake(f"dL/da = {got:.4f} is -1/a, the derivative for the label 1",
                          "for y = 0 the loss is -log(1 - a)")
        if not math.isclose(got, 1 / (1 - a), rel_tol=1e-9):
            raise Mistake(f"dL/da = {got:.4f}, but it is {1 / (1 - a):.4f}")
    blank(my_da_dz, "my_da_dz")
    with t.part("da/dz"):
        got = float(my_da_dz)
        if not math.isclose(got, a * (1 - a), rel_tol=1e-9):
            raise Mistake(f"da/dz = {got:.4f}, but the sigmoid's slope a(1 - a) = "
                          f"{a * (1 - a):.4f}", "σ'(z) = σ(z)(1 - σ(z)), with a = σ(z)")
    with t.part("dL/dz = a - y"):
        got = float(my_dL_da) * float(my_da_dz)
        if not math.isclose(got, z0.grad, rel_tol=1e-9):
            raise Mistake(f"your dL/dz = {got:.4f}, backward() says {z0.grad:.4f}")


@exercise("4.2", "less noise", "|w| of the new neuron", "the band's width",
          "less noise, larger weights")
def less_noise(t: Tally, neuron, sharp, w_new: object, band_new: object,
               noise_level: float) -> None:
    """w_new = |w| of ``sharp``; band_new = 4/|w|; |w| grows when the noise falls below 1.2."""
    blank(w_new, "w_new")
    want = math.hypot(*(p.data for p in sharp.w))
    with t.part("|w| of the new neuron"):
        got = float(w_new)
        if math.isclose(got, math.hypot(*(p.data for p in sharp.parameters())), rel_tol=1e-9):
            raise Mistake(f"w_new = {got:.3f} includes the bias",
                          "|w| is the length of the weights only: math.hypot(*(p.data for p "
                          "in sharp.w))")
        if math.isclose(got, want**2, rel_tol=1e-9):
            raise Mistake(f"w_new = {got:.3f} is |w|², not |w|", "take the square root")
        if not math.isclose(got, want, rel_tol=1e-9):
            raise Mistake(f"w_new = {got:.3f}, but |w| of the new neuron is {want:.3f}")
    blank(band_new, "band_new")
    with t.part("the band's width"):
        got = float(band_new)
        if not math.isclose(got, 4 / want, rel_tol=1e-9):
            hint = ("a goes from σ(-2) to σ(2) where w·x + b goes from -2 to 2, a distance "
                    "of 4/|w| across the line")
            raise Mistake(f"band_new = {got:.3f}, but the strip is 4/|w| = {4 / want:.3f} wide",
                          hint)
    with t.part("less noise, larger weights"):
        w_old = math.hypot(*(p.data for p in neuron.w))
        if noise_level < 1.2 and not want > w_old:
            raise Mistake(f"with noise {noise_level} the weights did not grow ({want:.2f} vs "
                          f"{w_old:.2f}): did you train sharp on the cleaner clouds?")


@exercise("4.3", "the step neuron on NAND", "its cost", "its gradients")
def step_on_nand(t: Tally, my_cost: object, my_grads_all_zero: object, cost_nand: Value,
                 step) -> None:
    """Predictions of the cost and of 'every gradient is 0', against the computed ones."""
    blank(my_cost, "my_cost")
    with t.part("its cost"):
        if not math.isclose(float(my_cost), cost_nand.data, abs_tol=1e-12):
            raise Mistake(f"you predicted the cost {my_cost!r}; it is {cost_nand.data:g}",
                          "the step neuron with NAND's weights computes NAND exactly: how far "
                          "is each output from its label?")
    blank(my_grads_all_zero, "my_grads_all_zero")
    with t.part("its gradients"):
        zero = all(p.grad == 0 for p in step.parameters())
        if my_grads_all_zero is not zero:
            raise Mistake(f"you predicted my_grads_all_zero = {my_grads_all_zero!r}; it is "
                          f"{zero}", "the step function is flat on both sides of its jump: "
                          "what is its derivative there?")
