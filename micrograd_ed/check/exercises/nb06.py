"""Checks of notebook 6, "XOR needs a hidden layer".

* 6.1 :func:`other_seeds` -- ``hidden_gates(model)``: the gate each hidden unit computes;
* 6.2 :func:`dead_relu` -- ``dead_units(model)``: relu units with z <= 0 on all four inputs;
* 6.3 :func:`zero_init` -- ``per_example_grads(model)``: the gradients of each example alone.

The checks compare the learner's function with the same computation done here, on the
networks the learner trained (any seeds, any widths) and on networks built here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from micrograd_ed.check.exercises import Mistake, NotDone, Part, Tally, exercise
from micrograd_ed.nn import MLP


def _hidden(model, X: np.ndarray) -> np.ndarray:
    """(4 examples, n hidden units) activations of the first layer."""
    return np.column_stack([np.asarray(v.data, dtype=float) for v in model.layers[0](X)])


def _gates(model, X: np.ndarray, gates: Mapping) -> list[str]:
    H = _hidden(model, X)
    return [gates.get(tuple(int(v > 0.5) for v in H[:, j]), "?") for j in range(H.shape[1])]


@exercise("6.1", "other seeds", "one gate name per hidden unit", "seed 10's hidden units",
          "every seed you trained")
def other_seeds(t: Tally, hidden_gates: Callable, runs: Mapping, X: np.ndarray,
                GATES: Mapping) -> None:
    """hidden_gates(model) names each hidden unit's gate, as GATES does for its pattern."""
    with t.part("one gate name per hidden unit"):
        if 10 not in runs:
            raise Mistake("runs has no seed 10: run the training cell above")
        got = hidden_gates(runs[10])
        if got is None or got is Ellipsis:
            raise NotDone("not done yet: hidden_gates returns nothing yet. Write it, run its "
                          "cell, then this one.")
        names = set(GATES.values()) | {"?"}
        if isinstance(got, str) or len(list(got)) != 2 or not set(got) <= names:
            raise Mistake(f"hidden_gates gives {got!r}; it should give a list of two names "
                          "from GATES (or \"?\"), one per hidden unit")
    for part, seeds in (("seed 10's hidden units", [10]),
                        ("every seed you trained", [s for s in runs if s != 10])):
        with t.part(part):
            for seed in seeds:
                if seed not in runs:
                    raise Mistake(f"runs has no seed {seed}: run the training cell above")
                model = runs[seed]
                got = hidden_gates(model)
                if got is None or got is Ellipsis:
                    raise NotDone("not done yet: hidden_gates returns nothing yet. Write it, "
                                  "run its cell, then this one.")
                want = _gates(model, X, GATES)
                got = list(got)
                if got == want:
                    continue
                H = _hidden(model, X)
                rows = [GATES.get(tuple(int(v > 0.5) for v in H[j, :]), "?")
                        for j in range(min(2, H.shape[0]))]
                hint = ""
                if got == rows:
                    hint = ("each hidden unit is a column of H (H[:, j], one number per "
                            "input), not a row")
                elif got == [GATES.get(tuple(int(v > 0) for v in H[:, j]), "?")
                             for j in range(H.shape[1])]:
                    hint = "round each activation at 0.5 (a sigmoid is always above 0)"
                raise Mistake(f"for seed {seed}, hidden_gates gives {got}, but the hidden "
                              f"units compute {want}", hint or "round each unit's activations "
                              "on 00, 01, 10, 11 to 0 or 1 and look the pattern up in GATES")


def _relu_net(spec: list[tuple[float, float, float]]) -> MLP:
    net = MLP(2, [len(spec), 1], activation="relu", output_activation="sigmoid", seed=0)
    for n, (w0, w1, b) in zip(net.layers[0].neurons, spec):
        n.w[0].data, n.w[1].data, n.b.data = w0, w1, b
    return net


def _dead(model, X: np.ndarray) -> int:
    Z = np.column_stack([[n.w[0].data * x0 + n.w[1].data * x1 + n.b.data for x0, x1 in X]
                         for n in model.layers[0].neurons])
    return int((Z <= 0).all(axis=0).sum())


@exercise("6.2", "ReLU hidden units", "a unit off on every input",
          "z = 0 counts as off", Part("your trained networks", hidden=True))
def dead_relu(t: Tally, dead_units: Callable, relu_models: Mapping, X: np.ndarray) -> None:
    """dead_units(model): relu units of layer 0 with z <= 0 on all four inputs."""
    cases = (
        ("a unit off on every input",
         _relu_net([(-1.0, -1.0, -0.5), (1.0, -2.0, 0.5), (2.0, 1.0, -1.0)]), 1,
         "a unit is dead when z <= 0 on ALL four inputs; one that is off on some inputs "
         "still learns from the others"),
        ("z = 0 counts as off",
         _relu_net([(-1.0, -2.0, 0.0), (1.0, 1.0, 0.5)]), 1,
         "at z = 0 a relu outputs 0 and passes no gradient back (its slope there is 0): "
         "count z <= 0, not z < 0"),
    )
    for part, model, want, hint in cases:
        with t.part(part):
            got = dead_units(model)
            if got is None or got is Ellipsis:
                raise NotDone("not done yet: dead_units returns nothing yet. Write it, run "
                              "its cell, then this one.")
            if int(got) != want:
                raise Mistake(f"dead_units gives {got} on a network with {want} dead unit (of "
                              f"{len(model.layers[0].neurons)})", hint)
    with t.part("your trained networks"):
        if not relu_models:
            raise Mistake("relu_models is empty: run the training cell above")
        for key, model in relu_models.items():
            if int(dead_units(model)) != _dead(model, X):
                n = _dead(model, X)
                raise Mistake(f"for {key}, dead_units gives {dead_units(model)}, but {n} "
                              f"unit{' is' if n == 1 else 's are'} dead")


def _per_example(model, X: np.ndarray, y: np.ndarray) -> list[dict[str, float]]:
    out = []
    for x_row, target in zip(X, y):
        model.zero_grad()
        a = model([float(v) for v in x_row])
        loss = -(a.log() if target == 1 else (1 - a).log())
        loss.backward()
        out.append({p.label: float(p.grad) for p in model.parameters()})
    model.zero_grad()
    return out


@exercise("6.3", "why zero init does not move", "each example's gradients",
          "hidden gradients are 0 for each example", "output gradients cancel over the four")
def zero_init(t: Tally, per_example_grads: Callable, zero_net, X: np.ndarray,
              y: np.ndarray) -> None:
    """per_example_grads(model): one {label: grad} per example, each from that example alone."""
    got = per_example_grads(zero_net)
    if got is None or got is Ellipsis:
        raise NotDone("not done yet: per_example_grads returns nothing yet. Write it, run its "
                      "cell, then this one.")
    got = [dict(g) for g in got]
    want = _per_example(zero_net, X, y)
    hidden = [p.label for p in zero_net.layers[0].parameters()]
    output = [p.label for p in zero_net.layers[1].parameters()]
    with t.part("each example's gradients"):
        if len(got) != len(want):
            raise Mistake(f"per_example_grads gives {len(got)} dicts; XOR has {len(want)} "
                          "examples")
        running = [{k: sum(w[k] for w in want[: i + 1]) for k in want[0]}
                   for i in range(len(want))]
        for i, (g, w, r) in enumerate(zip(got, want, running)):
            keys = set(w)
            if set(g) != keys:
                raise Mistake(f"the dict of example {i} has the keys {sorted(g)}, expected the "
                              f"parameters' labels {sorted(keys)}")
            if all(np.isclose(g[k], w[k], atol=1e-12) for k in keys):
                continue
            if all(np.isclose(g[k], r[k], atol=1e-12) for k in keys):
                raise Mistake(f"the gradients of example {i} are the sum over examples 0 to "
                              f"{i}", "backward() adds into .grad: call "
                              "model.zero_grad() before each example's backward()")
            raise Mistake(f"the gradients of example {i} differ from those of its loss alone "
                          "(-log a for the label 1, -log(1 - a) for 0)")
    with t.part("hidden gradients are 0 for each example"):
        if not all(g[k] == 0 for g in got for k in hidden):
            raise Mistake("some hidden-layer gradient is not 0 for a single example")
    with t.part("output gradients cancel over the four"):
        total = {k: sum(g[k] for g in got) for k in output}
        if not all(abs(v) < 1e-12 for v in total.values()):
            raise Mistake(f"the output gradients summed over the four are {total}, not 0")
