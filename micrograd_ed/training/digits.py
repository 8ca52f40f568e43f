"""The lecture's digit network: MLP(784, [16, 16, 10]) on 4,000 / 1,000 handwritten digits.

28 x 28 = 784 pixel inputs, two hidden layers of 16, ten outputs (one per
digit); the prediction is the output with the highest activation. Trained
with softmax + cross-entropy by mini-batch Adam in batched mode (one graph
per mini-batch, one number per sample in each node).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from micrograd_ed.data import load_digits
from micrograd_ed.nn import MLP
from micrograd_ed.optim import Adam, StepDecay
from micrograd_ed.train import History, accuracy, fit


@dataclass
class DigitsResult:
    """What one training run of the digit network measured."""

    epochs: int
    seconds: float
    train_accuracy: float
    test_accuracy: float
    parameters: int

    def as_dict(self) -> dict:
        return asdict(self)


def digit_network(activation: str = "tanh", seed: int = 0) -> MLP:
    """MLP(784, [16, 16, 10]) with Xavier init (13,002 parameters)."""
    return MLP(784, [16, 16, 10], activation=activation, output_activation="linear",
               init="xavier", seed=seed)


def train_digits(epochs: int = 15, batch_size: int = 32, lr: float = 0.01,
                 activation: str = "tanh", seed: int = 0, progress: bool = True,
                 model: MLP | None = None,
                 record: int | None = None) -> tuple[MLP, History, DigitsResult]:
    """Train the digit network on the fixed 4,000 / 1,000 split; return it and what it scored.

    The recipe (Adam, lr 0.01 halved every 5 epochs, mini-batches of 32, 15
    epochs) was chosen on a validation split carved out of the 4,000 training
    digits; the 1,000 test digits are only used to report the final accuracy.
    `record` keeps snapshots for the training player (``fit(record=N)``); the test
    digits are then evaluated after every epoch too (shown, never trained on).
    """
    split = load_digits()
    model = model or digit_network(activation, seed)
    optimizer = Adam(model.parameters(), lr=lr)
    start = time.perf_counter()
    history = fit(model, split.X_train, split.y_train, loss="cross_entropy",
                  optimizer=optimizer, schedule=StepDecay(optimizer, step_size=5, gamma=0.5),
                  epochs=epochs, batch_size=batch_size, seed=seed, progress=progress,
                  record=record,
                  validation=None if record is None else (split.X_test, split.y_test))
    if history.recording is not None:
        history.recording.val_label = "test"
    seconds = time.perf_counter() - start
    result = DigitsResult(epochs=history.epochs, seconds=seconds,
                          train_accuracy=accuracy(model, split.X_train, split.y_train),
                          test_accuracy=accuracy(model, split.X_test, split.y_test),
                          parameters=model.num_parameters())
    return model, history, result
