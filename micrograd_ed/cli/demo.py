"""The demo: train the XOR network and draw what happened, in a few seconds.

1. Train the lecture's 2-2-1 sigmoid network on XOR (the ``xor`` task of
   :mod:`micrograd_ed.training.tasks`), with a progress bar on stderr.
2. Print the loss curve in a few lines and the trained network's prediction
   for each of the four inputs.
3. Write three figures (SVG, no system software needed):

   * ``xor_example_graph.svg`` -- the computation graph of ONE training
     example, forward and backward: the value and the gradient on every
     edge, each neuron's nodes in a box;
   * ``xor_network.svg`` -- the network as circles and weighted edges, with
     each neuron's activation for that example;
   * ``xor_loss.svg`` -- the training loss per epoch (matplotlib);

   and ``xor_example_steps.html``, the backprop step-through of that one example: a
   self-contained page to open in a browser (arrow keys step, Space plays).

4. Write the training player ``xor_training.html``: the run recorded every 20
   epochs, to scrub through (network, decision boundary, loss and accuracy).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from micrograd_ed.engine import Value
from micrograd_ed.files.atomic import write_atomic
from micrograd_ed.nn import MLP
from micrograd_ed.train import History
from micrograd_ed.training import tasks
from micrograd_ed.viz import draw_graph, draw_network, draw_training, step_through
from micrograd_ed.viz.training import plots

DEFAULT_OUT = Path("micrograd_ed_demo")
FILES = {"graph": "xor_example_graph.svg", "network": "xor_network.svg",
         "loss": "xor_loss.svg", "steps": "xor_example_steps.html",
         "player": "xor_training.html"}
RECORD_EVERY = 20                  # the training player's frames: 51 over 1000 epochs
EXAMPLE = ((1.0, 0.0), 1)          # the example drawn: x = (1, 0), label y = 1


@dataclass
class DemoResult:
    model: MLP
    history: History
    result: tasks.TrainResult
    paths: dict[str, Path]


def run(out: str | Path = DEFAULT_OUT, *, seed: int = 0, progress: bool = True,
        stdout: TextIO | None = None) -> DemoResult:
    """Train, print the summary to `stdout`, write the three figures into `out`."""
    stdout = stdout or sys.stdout
    out = _prepare(Path(out))
    say = _printer(stdout)
    task = tasks.TASKS["xor"]
    say(f"Training the XOR network 2-2-1 (sigmoid) on the 4 rows of the truth table: "
        f"{task.epochs} epochs of full-batch gradient descent, lr {task.lr:g}, "
        f"binary cross-entropy loss")
    model, history, result = tasks.run("xor", seed=seed, progress=progress,
                                       record=RECORD_EVERY)
    say("")
    say(loss_summary(history))
    say("")
    say(predictions(model))
    say("")

    figures = {"graph": example_graph(model).svg(),
               "network": draw_network(model, list(EXAMPLE[0])).svg(),
               "loss": plots.render(loss_plot(history), "svg"),
               "steps": example_steps(model),
               "player": training_player(history).html()}
    paths = {}
    for key, text in figures.items():          # all rendered before anything is written
        paths[key] = out / FILES[key]
        write_atomic(paths[key], text)
    say("Wrote:")
    say(f"  {paths['graph']}   graph of one training example, x = (1, 0), y = 1: "
        f"value and gradient on every edge, boxed by neuron")
    say(f"  {paths['network']}   the network: weights on the edges, activations for x = (1, 0)")
    say(f"  {paths['loss']}   the training loss per epoch")
    say(f"  {paths['steps']}   backprop through that example, step by step: open it in a "
        f"browser (arrow keys step, Space plays)")
    say(f"  {paths['player']}   the training player: open it in a browser and scrub "
        f"through the {history.epochs} epochs")
    return DemoResult(model, history, result, paths)


def _prepare(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"--out {out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _printer(stream: TextIO):
    def say(text: str) -> None:
        print(text, file=stream, flush=True)
    return say


def loss_summary(history: History, rows: int = 6) -> str:
    """The loss at a few epochs (first, evenly spaced, last), as a small table."""
    n = history.epochs
    epochs = sorted({1, n, *(max(1, round(k * n / (rows - 1))) for k in range(1, rows - 1))})
    picks = [e - 1 for e in epochs]
    lines = [f"Loss curve ({n} epochs; the figure is xor_loss.svg):"]
    for i in picks:
        acc = history.accuracy[i]
        lines.append(f"  epoch {i + 1:>{len(str(n))}}   loss {history.loss[i]:.4f}   "
                     f"accuracy {acc:.0%}")
    first, last = history.loss[0], history.loss[-1]
    lines.append(f"  the loss fell from {first:.4f} to {last:.4f} "
                 f"({first / last:.0f}x smaller)" if last > 0 else "  the loss reached 0")
    return "\n".join(lines)


def predictions(model: MLP) -> str:
    """The trained network's output for each XOR input, with the target."""
    _, y = tasks.TASKS["xor"].load(0)[:2]
    rows = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    lines = ["Predictions a = P(y = 1 | x) of the trained network:"]
    right = 0
    for x, target in zip(rows, y):
        a = float(model(list(x)).data)
        ok = (a > 0.5) == bool(target)
        right += ok
        lines.append(f"  x = ({x[0]:.0f}, {x[1]:.0f})   a = {a:.3f}   target {target}   "
                     f"{'right' if ok else 'WRONG'}")
    lines.append(f"  {right} of 4 right")
    return "\n".join(lines)


def example_loss(model: MLP) -> Value:
    """The loss of the one example, forward and backward (the model's grads are set)."""
    (x0, x1), y = EXAMPLE
    x = [Value(x0, label="x[0]"), Value(x1, label="x[1]")]
    a = model(x)
    L = -a.log() if y == 1 else -(1 - a).log()   # binary cross-entropy of one example
    L.label = "L"
    model.zero_grad()
    L.backward()
    return L


def example_steps(model: MLP) -> str:
    """The step-through player of that example's forward and backward pass (an HTML page)."""
    L = example_loss(model)
    page = step_through(L).html()
    model.zero_grad()
    return page


def example_graph(model: MLP):
    """Forward and backward of the loss of one example, drawn with every edge's value and grad."""
    (x0, x1), y = EXAMPLE
    L = example_loss(model)
    loss = "-log a" if y == 1 else "-log(1 - a)"
    diagram = draw_graph(L, group_by="neuron", params=model.parameters(),
                         title=f"XOR net 2-2-1 (sigmoid) after training: one example "
                               f"x = ({x0:.0f}, {x1:.0f}), y = {y}, loss L = {loss}")
    model.zero_grad()
    return diagram


def loss_plot(history: History):
    """The training loss per epoch, a matplotlib Figure."""
    return plots.line_plot({"training loss": history.loss},
                           title="XOR 2-2-1 (sigmoid): binary cross-entropy per epoch",
                           xlabel="epoch", ylabel="loss (binary cross-entropy)")


def training_player(history: History):
    """The recorded run as a training player (micrograd_ed.viz.draw_training)."""
    return draw_training(history, title="XOR 2-2-1 (sigmoid), binary cross-entropy")
