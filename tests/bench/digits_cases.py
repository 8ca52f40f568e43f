"""The digits workload: the lecture's 784-16-16-10 network, trained by micrograd_ed and by PyTorch.

Both run the same recipe on the same data: MLP(784, [16, 16, 10]) with tanh
hidden units and Xavier init (PyTorch starts from micrograd_ed's initial
weights, copied), softmax cross-entropy averaged over the batch, Adam (lr 0.01,
betas 0.9/0.999, eps 1e-8) with the lr halved every 5 epochs, mini-batches of 32
in micrograd_ed.data.minibatches' order (seed 0), 15 epochs, float64, one thread.
The time is the training loop only (data loading and the final accuracy passes
are not timed), per-batch loss and accuracy bookkeeping included, as in ``fit``:
wall-clock seconds, and the process's CPU seconds, which a busy machine inflates less.
Each run happens in a fresh process, so nothing from the other runs is alive.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

OURS = """
import json, resource, time
from micrograd_ed.training import digits
cpu = {}
def timed_fit(*args, **kwargs):  # the CPU time of exactly the call `seconds` covers
    start = time.process_time()
    history = fit(*args, **kwargs)
    cpu["seconds"] = time.process_time() - start
    return history
fit, digits.fit = digits.fit, timed_fit
_, _, result = digits.train_digits(seed=0, progress=False)
out = result.as_dict()
out["cpu_seconds"] = cpu["seconds"]
out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

TORCH = """
import json, sys
sys.path.insert(0, {here!r})
from digits_cases import torch_digits
print(json.dumps(torch_digits()))
"""


def torch_digits(epochs: int = 15, batch_size: int = 32, lr: float = 0.01,
                 seed: int = 0) -> dict:
    """The digits recipe in PyTorch, one thread; the same dict as DigitsResult.as_dict()."""
    import resource
    import time

    import torch
    from torch import nn

    from micrograd_ed.data import load_digits, minibatches
    from micrograd_ed.training.digits import digit_network

    torch.set_num_threads(1)
    split = load_digits()
    ref = digit_network("tanh", seed)
    mods: list[nn.Module] = []
    for i, layer in enumerate(ref.layers):
        lin = nn.Linear(len(layer.neurons[0].w), len(layer.neurons), dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons]))
            lin.bias.copy_(torch.tensor([n.b.data for n in layer.neurons]))
        mods += [lin, nn.Tanh()] if i < len(ref.layers) - 1 else [lin]
    net = nn.Sequential(*mods)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
    loss_fn = nn.CrossEntropyLoss()
    start, cpu_start = time.perf_counter(), time.process_time()
    for epoch in range(epochs):
        total_loss = total_right = 0.0
        for Xb, yb in minibatches(split.X_train, split.y_train, batch_size, seed=seed,
                                  epoch=epoch):
            xb, tb = torch.from_numpy(Xb), torch.from_numpy(yb)
            opt.zero_grad()
            logits = net(xb)
            loss = loss_fn(logits, tb)
            loss.backward()
            opt.step()
            total_loss += loss.item() * len(Xb)
            total_right += (logits.argmax(1) == tb).sum().item()
        sched.step()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start

    def acc(X, y) -> float:
        with torch.no_grad():
            return float((net(torch.from_numpy(X)).argmax(1) == torch.from_numpy(y))
                         .double().mean())

    return {"epochs": epochs, "seconds": seconds, "cpu_seconds": cpu_seconds,
            "train_accuracy": acc(split.X_train, split.y_train),
            "test_accuracy": acc(split.X_test, split.y_test),
            "parameters": sum(p.numel() for p in net.parameters()),
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run(system: str) -> dict:
    """One digits training run ("ours" or "torch") in a fresh process: its result dict."""
    code = OURS if system == "ours" else TORCH.format(here=str(HERE))
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=900, env=env)
    if out.returncode != 0:
        lines = out.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit code {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])
