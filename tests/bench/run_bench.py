"""`make bench`: micrograd_ed against micrograd 0.1.0 and PyTorch, one table.

Workloads (each system in its own process, round-robin, median of --reps):
  demo step   micrograd's demo training step: MLP(2,[16,16,1]) relu, 100 two-moons
              points, SVM hinge loss + 1e-4 L2, forward + backward + freeing the graph.
              The scalar rows build the graph op for op as micrograd's demo does;
              "micrograd_ed batched" runs our nn.MLP on the 100 points as one batch.
  chain       backward through a chain of n nodes (v = v * 1.0001): time per node at
              n = 10^3 and n = 10^6.
  digits      MLP(784,[16,16,10]) trained on the 4,000 / 1,000 digit split with
              softmax cross-entropy in batched mode: test accuracy, training seconds,
              peak RSS (run in a fresh process).

This is a benchmark, not a test: it asserts nothing about time.
Run:  .venv/bin/python tests/bench/run_bench.py [--reps 7] [--skip digits]
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing as mp
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # tiny matrices, fork-safe
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from timing import fmt_seconds, interleave  # noqa: E402

SIZES = [2, 16, 16, 1]
ALPHA = 1e-4


# ----------------------------------------------------------------- data
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


# ------------------------------------------------ demo step, op for op as micrograd
def micrograd_style_case(value_cls):
    """A factory for the demo step with any micrograd-style Value class."""

    def factory():
        X, y = moons()
        layers = [[([value_cls(w) for w in ws], value_cls(b)) for ws, b in layer]
                  for layer in init_weights()]
        params = [p for layer in layers for ws, b in layer for p in (*ws, b)]
        rows = [[float(v) for v in row] for row in X]
        ys = [float(t) for t in y]

        def forward(x):
            for i, layer in enumerate(layers):
                out = []
                for ws, b in layer:
                    z = sum((wi * xi for wi, xi in zip(ws, x)), b)
                    out.append(z.relu() if i < len(layers) - 1 else z)
                x = out
            return x[0]

        def step():
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
            return {"fwd": t1 - t0, "bwd": t2 - t1, "free": time.perf_counter() - t2}

        return step

    return factory


def micrograd_case():
    from micrograd.engine import Value

    return micrograd_style_case(Value)()


def ours_scalar_case():
    from micrograd_ed import Value

    return micrograd_style_case(Value)()


def _ours_model():
    from micrograd_ed.nn import MLP

    model = MLP(2, SIZES[1:], activation="relu", output_activation="linear")
    for layer, ref in zip(model.layers, init_weights()):
        for neuron, (ws, b) in zip(layer.neurons, ref):
            for p, w in zip(neuron.w, ws):
                p.data = w
            neuron.b.data = b
    return model


def ours_nn_case(batched: bool):
    """Our own nn.MLP + losses: per sample (scalar) or the 100 points as one batch."""
    from micrograd_ed.losses import hinge, l2

    X, y = moons()
    model = _ours_model()
    params = model.parameters()

    def step():
        t0 = time.perf_counter()
        if batched:
            scores = model(X)
        else:
            scores = [model(row) for row in X.tolist()]
        loss = hinge(scores, y) + l2(params, ALPHA)
        t1 = time.perf_counter()
        model.zero_grad()
        loss.backward()
        t2 = time.perf_counter()
        del loss, scores
        return {"fwd": t1 - t0, "bwd": t2 - t1, "free": time.perf_counter() - t2}

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


def check_same_gradients() -> str:
    """Our scalar and batched gradients against micrograd's, before timing."""
    from micrograd.engine import Value as MV

    from micrograd_ed.losses import hinge, l2

    X, y = moons()
    grads = {}
    for name, cls in (("micrograd", MV),):
        layers = [[([cls(w) for w in ws], cls(b)) for ws, b in layer] for layer in init_weights()]
        params = [p for layer in layers for ws, b in layer for p in (*ws, b)]
        scores = []
        for row in X.tolist():
            x = [cls(v) for v in row]
            for i, layer in enumerate(layers):
                out = [sum((wi * xi for wi, xi in zip(ws, x)), b) for ws, b in layer]
                x = [z.relu() for z in out] if i < len(layers) - 1 else out
            scores.append(x[0])
        losses = [(1 + -yi * si).relu() for yi, si in zip(y.tolist(), scores)]
        loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in params)
        loss.backward()
        grads[name] = np.array([p.grad for p in params])
    for batched in (False, True):
        model = _ours_model()
        scores = model(X) if batched else [model(r) for r in X.tolist()]
        loss = hinge(scores, y) + l2(model.parameters(), ALPHA)
        loss.backward()
        grads["batched" if batched else "scalar"] = np.array([p.grad for p in model.parameters()])
    ref = grads["micrograd"]
    return ", ".join(f"{k} max|grad - micrograd| = {np.abs(v - ref).max():.1e}"
                     for k, v in grads.items() if k != "micrograd")


# ------------------------------------------------------------------ chain
def chain_case(n: int):
    def factory():
        from micrograd_ed import Value

        def step():
            x = Value(1.0)
            v = x
            for _ in range(n):
                v = v * 1.0001
            t0 = time.perf_counter()
            v.backward()
            t1 = time.perf_counter()
            del v
            return {"bwd": t1 - t0}

        return step

    return factory


# ----------------------------------------------------------------- digits
DIGITS_SNIPPET = """
import json, resource
from micrograd_ed.digits import train_digits
_, _, result = train_digits(seed=0, progress=False)
out = result.as_dict()
out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def digits_run() -> dict:
    out = subprocess.run([sys.executable, "-c", DIGITS_SNIPPET], capture_output=True,
                         text=True, timeout=600)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def in_child(fn):
    """fn() in a forked process (so its imports stay out of this one); its result."""
    ctx = mp.get_context("fork")
    with ctx.Pool(1) as pool:
        return pool.apply(fn)


# ------------------------------------------------------------------ report
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--skip", default="", help="comma list of workloads to skip: "
                    "demo, chain, digits")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    started = time.perf_counter()
    # Never import an engine here: every worker is forked from this process, and
    # the objects alive here (torch alone adds ~150k) slow down each worker's GC.
    have_torch = importlib.util.find_spec("torch") is not None

    rows = []  # (workload, system, time, ratio text, note)
    if "demo" not in skip:
        print("demo step: checking gradients ...", in_child(check_same_gradients), flush=True)
        cases = {"micrograd 0.1.0": micrograd_case,
                 "micrograd_ed scalar": ours_scalar_case,
                 "micrograd_ed scalar, nn.MLP": lambda: ours_nn_case(False),
                 "micrograd_ed batched": lambda: ours_nn_case(True)}
        if have_torch:
            cases["torch batched (nn.Linear)"] = torch_case
        med, errors = interleave(cases, args.reps)
        ref = med.get("micrograd 0.1.0", {}).get("total")
        torch_t = med.get("torch batched (nn.Linear)", {}).get("total")
        for system in cases:
            if system in errors:
                rows.append(("demo step", system, "-", "-", errors[system]))
                continue
            t = med[system]
            note = ", ".join(f"{k} {fmt_seconds(v)}" for k, v in t.items() if k != "total")
            if system == "micrograd 0.1.0":
                ratio = "reference"
            else:
                ratio = f"{ref / t['total']:.1f}x faster" if ref else "-"
            if system == "micrograd_ed batched" and torch_t:
                note += f"; {t['total'] / torch_t:.1f}x torch's time"
            rows.append(("demo step", system, fmt_seconds(t["total"]), ratio, note))
    if "chain" not in skip:
        med, errors = interleave({"1e3": chain_case(1_000), "1e6": chain_case(1_000_000)},
                                 reps=3)
        per = {k: v["bwd"] / int(float(k)) for k, v in med.items()}
        for k in ("1e3", "1e6"):
            if k in errors:
                rows.append(("chain backward", f"micrograd_ed, {k} nodes", "-", "-", errors[k]))
                continue
            ratio = f"{per[k] / per['1e3']:.2f}x the 1e3 cost per node" if "1e3" in per else "-"
            rows.append(("chain backward", f"micrograd_ed, {k} nodes",
                         fmt_seconds(med[k]["bwd"]), ratio,
                         f"{per[k] * 1e9:.0f} ns per node"))
    if "digits" not in skip:
        r = digits_run()
        if "error" in r:
            rows.append(("digits 784-16-16-10", "micrograd_ed batched", "-", "-", r["error"]))
        else:
            rows.append(("digits 784-16-16-10", "micrograd_ed batched",
                         f"{r['seconds']:.1f} s", f"test accuracy {r['test_accuracy']:.1%}",
                         f"{r['epochs']} epochs, peak RSS {r['peak_rss_mib']:.0f} MiB"))

    print()
    print("| workload | system | median time | vs micrograd 0.1.0 | notes |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\n{os.cpu_count()} cores, Python {sys.version.split()[0]}, numpy {np.__version__}; "
          f"bench took {time.perf_counter() - started:.0f} s (largest child RSS {rss:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
