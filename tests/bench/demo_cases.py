"""The demo-step workload: micrograd's demo training step, in every system.

MLP(2, [16, 16, 1]) relu, 100 two-moons points, SVM hinge loss + 1e-4 L2,
forward + backward + freeing the graph. The "op for op" rows build the graph
exactly as micrograd's demo does (65,077 nodes, the same sequence as the shared
harness ../shared/bench/bench_mlp.py); the nn.MLP rows use our own model and
losses (a neuron is one `dot` node); "batched" runs the 100 points as one batch.

A case is a factory ``f() -> step``; ``step()`` runs one step and returns
``{phase: seconds}`` (see timing.py). ``paused=True`` runs the whole step inside
``micrograd_ed.engine.memory.paused_gc()``, as ``fit`` does and as the docs tell users
who build big graphs themselves; the graph is acyclic, so it is freed by
reference counting at the end of the step and nothing is left for the collector.
"""

from __future__ import annotations

import random
import time
from contextlib import nullcontext

import numpy as np

SIZES = [2, 16, 16, 1]
ALPHA = 1e-4


def moons(n: int = 100, noise: float = 0.1, seed: int = 1337):
    """The same two moons as ../shared/bench (sklearn's shape), y in {-1, +1}."""
    rng = np.random.default_rng(seed)
    n_out, n_in = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.vstack([np.c_[np.cos(t_out), np.sin(t_out)],
                   np.c_[1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]])
    X = X + rng.normal(scale=noise, size=(n, 2))
    y = np.r_[-np.ones(n_out), np.ones(n_in)]
    perm = rng.permutation(n)
    return X[perm], y[perm]


def init_weights(seed: int = 1337):
    """micrograd's init, U(-1, 1) weights and zero biases, as nested lists."""
    rnd = random.Random(seed)
    return [[([rnd.uniform(-1, 1) for _ in range(nin)], 0.0) for _ in range(nout)]
            for nin, nout in zip(SIZES[:-1], SIZES[1:])]


def _pause(paused: bool):
    if not paused:
        return nullcontext()
    from micrograd_ed.engine.memory import paused_gc

    return paused_gc()


# ------------------------------------------------ op for op, as micrograd's demo
def micrograd_style_case(value_cls, paused: bool = False):
    """A factory for the demo step with any micrograd-style Value class."""

    def factory():
        X, y = moons()
        layers = [[([value_cls(w) for w in ws], value_cls(b)) for ws, b in layer]
                  for layer in init_weights()]
        params = [p for layer in layers for ws, b in layer for p in (*ws, b)]
        rows = X.tolist()
        ys = y.tolist()
        last = len(layers) - 1

        def forward(x):
            for i, layer in enumerate(layers):
                out = []
                for ws, b in layer:
                    z = sum((wi * xi for wi, xi in zip(ws, x)), b)
                    out.append(z.relu() if i < last else z)
                x = out
            return x[0]

        def step():
            with _pause(paused):
                t0 = time.perf_counter()
                inputs = [[value_cls(v) for v in row] for row in rows]
                scores = [forward(x) for x in inputs]
                losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores)]
                loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in params)
                t1 = time.perf_counter()
                for p in params:
                    p.grad = 0.0
                loss.backward()
                t2 = time.perf_counter()
                del loss, losses, scores, inputs
                t3 = time.perf_counter()
            return {"fwd": t1 - t0, "bwd": t2 - t1, "free": t3 - t2}

        return step

    return factory


def micrograd_case():
    from micrograd.engine import Value

    return micrograd_style_case(Value)()


def ours_scalar_case(paused: bool = False):
    from micrograd_ed import Value

    return micrograd_style_case(Value, paused)()


def floor_pair_case():
    """Ours and the floor engine (floor_engine.py), op for op, both paused, in one process.

    Each round runs both steps back to back, in turns first, so the two meet the same
    spell of this machine's speed; the phases are "ours" and "floor" (each one's total).
    """
    import floor_engine

    from micrograd_ed import Value

    steps = {"ours": micrograd_style_case(Value, True)(),
             "floor": micrograd_style_case(floor_engine.Value, True)()}
    order = ["ours", "floor"]

    def step():
        order.reverse()
        return {name: sum(steps[name]().values()) for name in order}

    return step


# ------------------------------------------------ our nn.MLP and losses
def _ours_model():
    from micrograd_ed.nn import MLP

    model = MLP(2, SIZES[1:], activation="relu", output_activation="linear")
    for layer, ref in zip(model.layers, init_weights()):
        for neuron, (ws, b) in zip(layer.neurons, ref):
            for p, w in zip(neuron.w, ws):
                p.data = w
            neuron.b.data = b
    return model


def ours_nn_case(batched: bool, paused: bool = True):
    """Our own nn.MLP + losses: per sample (scalar) or the 100 points as one batch."""
    from micrograd_ed.losses import hinge, l2

    X, y = moons()
    rows = X.tolist()
    model = _ours_model()
    params = model.parameters()

    def step():
        with _pause(paused):
            t0 = time.perf_counter()
            scores = model(X) if batched else [model(row) for row in rows]
            loss = hinge(scores, y) + l2(params, ALPHA)
            t1 = time.perf_counter()
            model.zero_grad()
            loss.backward()
            t2 = time.perf_counter()
            del loss, scores
            t3 = time.perf_counter()
        return {"fwd": t1 - t0, "bwd": t2 - t1, "free": t3 - t2}

    return step


def torch_case():
    import torch
    from torch import nn

    torch.set_num_threads(1)
    X, y = moons()
    mods = []
    for i, layer in enumerate(init_weights()):
        lin = nn.Linear(len(layer[0][0]), len(layer), dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([ws for ws, _ in layer]))
            lin.bias.copy_(torch.tensor([b for _, b in layer]))
        mods += [lin, nn.ReLU()] if i < len(SIZES) - 2 else [lin]
    net = nn.Sequential(*mods)
    Xt, yt = torch.tensor(X), torch.tensor(y)

    def step():
        t0 = time.perf_counter()
        scores = net(Xt).squeeze(1)
        loss = torch.relu(1 - yt * scores).mean()
        loss = loss + ALPHA * sum((p * p).sum() for p in net.parameters())
        t1 = time.perf_counter()
        net.zero_grad(set_to_none=True)
        loss.backward()
        t2 = time.perf_counter()
        del loss, scores
        return {"fwd": t1 - t0, "bwd": t2 - t1, "free": time.perf_counter() - t2}

    return step


def demo_gradients(value_cls) -> np.ndarray:
    """The demo loss's gradients with a micrograd-style Value class, in micrograd's order."""
    X, y = moons()
    layers = [[([value_cls(w) for w in ws], value_cls(b)) for ws, b in layer]
              for layer in init_weights()]
    params = [p for layer in layers for ws, b in layer for p in (*ws, b)]
    scores = []
    for row in X.tolist():
        x = [value_cls(v) for v in row]
        for i, layer in enumerate(layers):
            out = [sum((wi * xi for wi, xi in zip(ws, x)), b) for ws, b in layer]
            x = [z.relu() for z in out] if i < len(layers) - 1 else out
        scores.append(x[0])
    losses = [(1 + -yi * si).relu() for yi, si in zip(y.tolist(), scores)]
    loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in params)
    loss.backward()
    return np.array([p.grad for p in params])


def check_same_gradients() -> str:
    """Our scalar and batched gradients, and the floor engine's, against micrograd's."""
    import floor_engine
    from micrograd.engine import Value as MV

    from micrograd_ed.losses import hinge, l2

    X, y = moons()
    ref = demo_gradients(MV)
    gap = np.abs(demo_gradients(floor_engine.Value) - ref).max()
    out = [f"floor engine max|grad - micrograd| = {gap:.1e}"]
    for batched in (False, True):
        model = _ours_model()
        s = model(X) if batched else [model(r) for r in X.tolist()]
        ours = hinge(s, y) + l2(model.parameters(), ALPHA)
        ours.backward()
        diff = np.abs(np.array([p.grad for p in model.parameters()]) - ref).max()
        out.append(f"{'batched' if batched else 'scalar'} max|grad - micrograd| = {diff:.1e}")
    return ", ".join(out)
