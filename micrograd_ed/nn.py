"""Neurons, layers and multilayer perceptrons, built only from `Value` ops.

A neuron computes::

    z = w . x + b          (the weighted input: one `dot` node, then `+ b`)
    a = activation(z)      (linear, sigmoid, tanh, relu or step)

A `Layer` is a list of neurons that read the same inputs; an `MLP` feeds each
layer's outputs to the next. Every weight is a `Value` labelled ``w[l,n,i]``
(layer, neuron, input) and every bias ``b[l,n]``, and the nodes a neuron makes
carry ``scope = (layer, neuron)`` so a picture can group them. A neuron keeps
its nin + 1 numbers in one array (``parameter_array``; its weights and bias
are `Parameter` Values that show the entries), so optimizers and batches can
work on whole arrays (micrograd_ed.engine.parameters).

The same code runs in two modes:

* scalar mode -- the inputs are numbers (or Values): one example, one graph;
* batched mode -- the inputs are 1-D numpy arrays, one per input feature, each
  holding that feature for B samples (or one 2-D array of shape (B, nin)).
  Every node then holds B numbers, so a whole minibatch is one small graph,
  and each parameter's ``grad`` is the sum over the batch.

Random initial weights come from the model's own ``random.Random(seed)``:
the same seed gives the same weights on every machine, and the global
`random` state is never touched.
"""

from __future__ import annotations

import inspect
import math
import random
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any

import numpy as np

from micrograd_ed.engine import Value, dot
from micrograd_ed.engine.batched import private_samples
from micrograd_ed.engine.layerwise import bias_and_activation
from micrograd_ed.engine.messages import check_real_array
from micrograd_ed.engine.parameters import ParameterArray, arrays_of
from micrograd_ed.engine.stacked import stack
from micrograd_ed.files.models import (
    MAX_LAYERS,
    MAX_NEURONS,
    MAX_PARAMETERS,
    ModelFileError,
    StateDictError,
    read_model_file,
    write_model_file,
)

Output = Value | list[Value]
Inputs = list | np.ndarray     # a list of numbers or Values, or a (B, nin) batch

ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "step")
_ALIASES = {"identity": "linear", "none": "linear"}
INITS = ("uniform", "xavier", "he", "zeros")


# ------------------------------------------------------------ activations
def step(z: Value) -> Value:
    """The perceptron's threshold: a = 1 if z > 0 else 0;  da/dz = 0.

    The derivative is 0 everywhere (and undefined at z = 0), so no gradient
    flows back through a step: gradient descent sees a flat cost and cannot
    learn. A small change of a weight either changes nothing or flips the
    output from 0 to 1. The sigmoid is the smoothed step that fixes this.
    """
    return z.step()


_ACTIVATE = {
    "linear": None,
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "step": step,
}


def canonical_activation(name: str) -> str:
    """The canonical name of an activation ("identity" -> "linear"), or a clear error."""
    if not isinstance(name, str):
        raise TypeError(f"activation must be a str, one of {', '.join(ACTIVATIONS)}; "
                        f"got {type(name).__name__}")
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in _ACTIVATE:
        raise ValueError(f"unknown activation {name!r}; use one of {', '.join(ACTIVATIONS)} "
                         f"(or 'identity' for linear)")
    return key


# --------------------------------------------------------- initialization
def init_bound(init: str, fan_in: int, fan_out: int) -> float:
    """Half-width a of the uniform distribution U(-a, a) the weights are drawn from.

    * "uniform": a = 1 (micrograd's);
    * "xavier" (Glorot): a = sqrt(6 / (fan_in + fan_out)), so Var(w) = 2 / (fan_in + fan_out);
    * "he" (Kaiming, for relu): a = sqrt(6 / fan_in), so Var(w) = 2 / fan_in;
    * "zeros": a = 0. Every hidden unit then computes the same function and
      receives the same gradient, so the units stay identical forever.

    Biases start at 0 in every scheme.
    """
    if init == "uniform":
        return 1.0
    if init == "xavier":
        return math.sqrt(6.0 / (fan_in + fan_out))
    if init == "he":
        return math.sqrt(6.0 / fan_in)
    if init == "zeros":
        return 0.0
    raise ValueError(f"unknown init {init!r}; use one of {', '.join(INITS)}")


def _check_count(n: object, what: str, where: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{where}: {what} must be a positive int, got {n!r:.40}")
    return int(n)


def _check_index(index: object, where: str) -> int:
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
        raise ValueError(f"{where}: index must be an int >= 0 (the layer's place), "
                         f"got {index!r:.40}")
    return int(index)


def _make_rng(seed: int | None, rng: random.Random | None, where: str) -> random.Random:
    if rng is not None:
        if not isinstance(rng, random.Random):
            raise TypeError(f"{where}: rng must be a random.Random, got {type(rng).__name__}")
        return rng
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"{where}: seed must be an int or None, got {seed!r}")
    return random.Random(seed)


# --------------------------------------------------------------- inputs
def as_inputs(x: Any, nin: int, where: object) -> Inputs:
    """Turn a module's input into what `dot` takes: a list of `nin` entries, or a batch.

    Accepted: a sequence of numbers or Values (one example), a 1-D array (one
    example), a 2-D array of shape (B, nin) (batched: one row per sample), or a
    sequence of `nin` 1-D arrays (batched: one array per feature). A batch is
    returned as one float (B, nin) array, which every neuron's `dot` reads.
    `where` (the module) names the caller in error messages.
    """
    if isinstance(x, np.ndarray):
        check_real_array(x, where)
        if x.ndim == 2:
            if x.shape[1] != nin:
                raise ValueError(f"{where} expects {nin} inputs per sample, "
                                 f"got an array of shape {x.shape}")
            return private_samples(x, where)        # one read-only copy for every neuron
        if x.ndim != 1:
            raise ValueError(f"{where} expects a 1-D or 2-D array, got shape {x.shape}")
        x = x.tolist()
    elif isinstance(x, (Value, int, float)):
        x = [x]
    else:
        x = list(x)
    if len(x) == nin and x and all(isinstance(xi, np.ndarray) and xi.ndim == 1 for xi in x):
        return private_samples(np.column_stack([check_real_array(xi, where) for xi in x]), where)
    if len(x) != nin:
        raise ValueError(f"{where} expects {nin} inputs, got {len(x)} (for a batch pass a "
                         f"2-D array of shape (B, {nin}) or a list of {nin} 1-D arrays)")
    return x


def _batched_values(x: Inputs) -> bool:
    """Is `x` a list of Values of which at least one holds a batch?"""
    return (x.__class__ is list and all(isinstance(v, Value) for v in x)
            and any(v.data.__class__ is np.ndarray for v in x))


# --------------------------------------------------------------- modules
class Module:
    """Base class: something with parameters (Values that training changes)."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with a stable dotted name, e.g. ``layers.0.neurons.3.w.5``."""
        out = list(self._own_parameters())
        for prefix, child in self._children():
            out.extend((f"{prefix}.{name}", p) for name, p in child.named_parameters())
        return out

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of :meth:`named_parameters` (without making names)."""
        out = self._own_values()
        for _, child in self._children():
            out.extend(child.parameters())
        return out

    def num_parameters(self) -> int:
        return len(self.parameters())

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 (grads accumulate over backward calls)."""
        params = self.parameters()
        runs = arrays_of(params)        # a neuron's grads are one array: zero it whole
        if runs is None:
            for p in params:
                p.grad = 0.0
            return
        for array, start, stop in runs:
            array.grad[start:stop] = 0.0

    def state_dict(self) -> dict[str, float]:
        """``{dotted name: value}`` for every parameter: plain floats, JSON-ready."""
        return {name: float(p.data) for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from `state` (as made by :meth:`state_dict`).

        Checks everything first: the keys must match the model's exactly and
        every value must be a finite real number. On any problem it raises a
        `StateDictError` naming the first one, and the model is unchanged.
        """
        named = self.named_parameters()
        values = _check_state(state, named, repr(self))
        for (_, p), x in zip(named, values):
            p.data = x

    # ----------------------------------------------------------- files
    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture."""
        raise NotImplementedError(f"{type(self).__name__} does not define config()")

    #: the fields of :meth:`config`; those without a constructor default are required
    config_fields: tuple[str, ...] = ()
    #: the fields that set how many parameters it has
    size_fields: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Module:
        """A fresh module (all weights 0) with the architecture described by `config`."""
        cls._check_config_fields(config)
        return cls(**config, init="zeros")

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """How many parameters the architecture `config` has, without building it.

        Checks the config's fields (names, types, sizes) the way the constructor
        does, so a file describing a huge or broken model fails before any memory
        is spent on it.
        """
        raise NotImplementedError(f"{cls.__name__} does not define parameter_count()")

    @classmethod
    def unit_count(cls, config: Mapping[str, Any]) -> tuple[int, int]:
        """How many layers and neurons the (checked) config `config` builds.

        Each is an object with its own cost beyond its parameters', so a file is capped
        on these too (serialize.MAX_LAYERS, serialize.MAX_NEURONS).
        """
        raise NotImplementedError(f"{cls.__name__} does not define unit_count()")

    @classmethod
    def _check_config_fields(cls, config: Mapping[str, Any]) -> None:
        """Only the fields :meth:`config` writes; the required ones present."""
        for key in config:
            if key not in cls.config_fields:
                raise TypeError(f"unexpected config field {str(key)!r:.40} (a {cls.__name__} "
                                f"has {', '.join(map(repr, cls.config_fields))})")
        params = inspect.signature(cls.__init__).parameters
        for key in cls.config_fields:
            if key not in config and params[key].default is inspect.Parameter.empty:
                raise TypeError(f"config field {key!r} is missing")

    def save(self, path: str | PathLike) -> None:
        """Write the architecture and parameters to `path` as JSON, atomically.

        The data goes to a temporary file in the same folder that then replaces
        `path`, so an existing file survives a failed save.
        """
        name = type(self).__name__
        if _MODEL_CLASSES.get(name) is not type(self):
            raise TypeError(f"save: {name} is not a micrograd_ed model class; save its "
                            f"state_dict() instead")
        write_model_file(path, name, self.config(), self.state_dict())

    @classmethod
    def load(cls, path: str | PathLike) -> Module:
        """Rebuild a model saved with :meth:`save`. Raises `ModelFileError` on a bad file."""
        where = str(path)
        name, config, state = read_model_file(path)
        klass = _MODEL_CLASSES.get(name)
        if klass is None:
            raise ModelFileError(f"{where}: unknown model class {name!r}; "
                                 f"expected one of {', '.join(_MODEL_CLASSES)}")
        if not issubclass(klass, cls):
            raise ModelFileError(f"{where} holds a {name}, not a {cls.__name__}; "
                                 f"use {name}.load")
        try:
            klass._check_config_fields(config)
            count = klass.parameter_count(config)
        except (TypeError, ValueError) as e:
            raise ModelFileError(f"{where}: bad {name} config: {e}") from None
        fields = " and ".join(repr(f) for f in klass.size_fields)
        if count > MAX_PARAMETERS:
            raise ModelFileError(
                f"{where}: the config fields {fields} describe {_a(name)} with {_count(count)} "
                f"parameters, more than micrograd_ed builds from a file "
                f"(serialize.MAX_PARAMETERS = {MAX_PARAMETERS:,}); nothing was built")
        if count != len(state) and count > 2 * len(state) + 100:
            # a close count is built, so that load_state_dict names the missing key
            raise ModelFileError(
                f"{where}: the config fields {fields} describe {_count(count)} parameters "
                f"but the state has {len(state):,}; the file is corrupted")
        layers, neurons = klass.unit_count(config)
        for n, what, cap, cap_name in ((layers, "layers", MAX_LAYERS, "MAX_LAYERS"),
                                       (neurons, "neurons", MAX_NEURONS, "MAX_NEURONS")):
            if n > cap:
                raise ModelFileError(
                    f"{where}: the config fields {fields} describe {_a(name)} with "
                    f"{_count(n)} {what}, more than micrograd_ed builds from a file "
                    f"(serialize.{cap_name} = {cap:,}); nothing was built")
        try:
            model = klass.from_config(config)
        except (TypeError, ValueError) as e:
            raise ModelFileError(f"{where}: bad {name} config: {e}") from None
        try:
            model.load_state_dict(state)
        except StateDictError as e:
            raise ModelFileError(f"{where}: {e}") from None
        return model

    def load_weights(self, path: str | PathLike) -> None:
        """Load the parameters saved in `path` into this model, in place.

        The file must hold the same class and architecture. On any problem it
        raises `ModelFileError` naming it, and the model is unchanged.
        """
        name, config, state = read_model_file(path)
        mine = self.config()
        if name != type(self).__name__ or config != mine:
            raise ModelFileError(f"{path}: holds a {name} with {config}, which does not "
                                 f"match this {type(self).__name__} with {mine}")
        try:
            self.load_state_dict(state)
        except StateDictError as e:
            raise ModelFileError(f"{path}: {e}") from None

    # ---------------------------------------------------------- structure
    def _own_parameters(self) -> list[tuple[str, Value]]:
        return []

    def _own_values(self) -> list[Value]:
        return [p for _, p in self._own_parameters()]

    def _children(self) -> list[tuple[str, Module]]:
        return []


def _a(name: str) -> str:
    return f"an {name}" if name == "MLP" else f"a {name}"


def _count(n: int) -> str:
    return f"{n:,}" if n < 10**15 else f"about {float(n):.3g}" if n < 10**300 else "over 1e300"


def _check_state(state: object, named: list[tuple[str, Value]], model: str) -> list[float]:
    """The values of `state` in parameter order, or a StateDictError naming the first problem."""
    if not isinstance(state, Mapping):
        raise StateDictError(f"load_state_dict: expected a dict of name -> number, "
                             f"got {type(state).__name__}")
    values = []
    for name, p in named:
        if name not in state:
            raise StateDictError(
                f"load_state_dict: missing key {name!r} (parameter {p.label}); the state "
                f"has {len(state)} entries, {model} has {len(named)} parameters")
        x = state[name]
        if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
            raise StateDictError(f"load_state_dict: {name!r} must be a number, "
                                 f"got {type(x).__name__} {x!r:.40}")
        try:
            x = float(x)
        except OverflowError:               # an int beyond a float's range
            x = math.inf
        if not math.isfinite(x):
            raise StateDictError(f"load_state_dict: {name!r} is {x!r}, not a finite number "
                                 f"(numbers beyond +-1.8e308 overflow to inf)")
        values.append(x)
    if len(state) != len(named):
        known = {name for name, _ in named}
        extra = next(k for k in state if k not in known)
        raise StateDictError(
            f"load_state_dict: unexpected key {extra!r}; the state has {len(state)} "
            f"entries, {model} has {len(named)} parameters")
    return values


class Neuron(Module):
    """One neuron: a = activation(w . x + b).

    ``Neuron(2, "sigmoid")`` is logistic regression: a = sigma(w . x + b) is
    P(label = 1 | x). The weights `w` (a tuple of `nin` Values) are drawn from
    U(-a, a) by `init` (see :func:`init_bound`); the bias `b` starts at 0. All
    nin + 1 numbers live in one array, `parameter_array` (w then b), which
    optimizers and batched passes read and write whole; ``w[i].data`` and
    ``w[i].grad`` show its entries (micrograd_ed.engine.parameters).

    Random draws come from `rng` if given (a Layer passes its own), else from
    ``random.Random(seed)``. `index` = (layer, neuron) is the neuron's place in
    a network, used for labels and `scope`; `fan_out` (the layer width) sets
    the Xavier bound.
    """

    def __init__(self, nin: int, activation: str = "tanh", *, init: str = "uniform",
                 seed: int | None = 0, rng: random.Random | None = None,
                 index: tuple[int | None, int] = (None, 0), fan_out: int = 1) -> None:
        self.nin = _check_count(nin, "nin", type(self).__name__)
        self.activation = canonical_activation(activation)
        self.init = init
        bound = init_bound(init, self.nin, fan_out)
        if not (isinstance(index, tuple) and len(index) == 2):
            raise ValueError(f"{type(self).__name__}: index must be a pair (layer, neuron), "
                             f"got {index!r:.40}")
        layer = None if index[0] is None else _check_index(index[0], type(self).__name__)
        n = _check_index(index[1], type(self).__name__)
        prefix = f"{layer},{n}," if layer is not None else ""
        if bound:
            rng = _make_rng(seed, rng, type(self).__name__)
            draws = [rng.uniform(-bound, bound) for _ in range(self.nin)]
        else:
            draws = [0.0] * self.nin
        labels = [f"w[{prefix}{i}]" for i in range(self.nin)]
        labels.append(f"b[{layer},{n}]" if layer is not None else "b")
        #: the neuron's numbers, w_0 .. w_{nin-1} then b, as one array (engine/parameters.py)
        self.parameter_array = ParameterArray([*draws, 0.0], labels)
        self.w = self.parameter_array.first(self.nin)   # a tuple of `nin` Parameters
        self.b = self.parameter_array.values[-1]
        self.scope = (layer, n)
        where = f"[{layer},{n}]" if layer is not None else ""
        self._labels = (f"z{where}", f"a{where}")
        self._act = _ACTIVATE[self.activation]

    def __call__(self, x: Any) -> Value:
        """a = activation(w . x + b) for one example, or for a batch of arrays."""
        return self.forward(as_inputs(x, self.nin, self))

    def forward(self, x: Inputs) -> Value:
        """The neuron on an already-checked input list: three nodes (dot, +b, activation)."""
        wx = dot(self.w, x)
        z = wx + self.b
        wx.scope = z.scope = self.scope
        z.label = self._labels[0]
        if self._act is None:
            return z
        a = self._act(z)
        a.scope = self.scope
        a.label = self._labels[1]
        return a

    def _own_parameters(self) -> list[tuple[str, Value]]:
        return [*((f"w.{i}", wi) for i, wi in enumerate(self.w)), ("b", self.b)]

    def _own_values(self) -> list[Value]:
        return [*self.w, self.b]

    config_fields = ("nin", "activation")
    size_fields = ("nin",)

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "activation": self.activation}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """nin weights and one bias."""
        if "activation" in config:
            canonical_activation(config["activation"])
        return _check_count(config.get("nin"), "nin", cls.__name__) + 1

    @classmethod
    def unit_count(cls, config: Mapping[str, Any]) -> tuple[int, int]:
        """One neuron, in no layer."""
        return 0, 1

    def __repr__(self) -> str:
        return f"Neuron(nin={self.nin}, activation={self.activation!r})"


class Layer(Module):
    """`nout` neurons that read the same `nin` inputs: a_j = activation(w_j . x + b_j)."""

    def __init__(self, nin: int, nout: int, activation: str = "tanh", *,
                 init: str = "uniform", seed: int | None = 0,
                 rng: random.Random | None = None, index: int = 0) -> None:
        self.nin = _check_count(nin, "nin", "Layer")
        self.nout = _check_count(nout, "nout", "Layer")
        self.activation = canonical_activation(activation)
        self.index = _check_index(index, "Layer")
        init_bound(init, self.nin, self.nout)  # check the name before drawing anything
        rng = _make_rng(seed, rng, "Layer") if init != "zeros" else None
        self.neurons = [Neuron(self.nin, self.activation, init=init, rng=rng,
                               index=(index, n), fan_out=self.nout)
                        for n in range(self.nout)]

    def __call__(self, x: Any) -> Output:
        """The layer's outputs: one Value if it has one neuron, else a list."""
        out = self.forward(as_inputs(x, self.nin, self))
        return out[0] if self.nout == 1 else out

    def forward(self, x: Inputs) -> list[Value]:
        """Every neuron on the same checked input list; always a list.

        Inputs that are Values holding a batch (a hidden layer's) are first stacked into one
        node (engine/stacked.py), so the neurons send their gradients back a matrix each.
        """
        if len(self.neurons) == 1:
            return [self.neurons[0].forward(x)]
        if _batched_values(x):
            x = stack(x)
        elif not isinstance(x, np.ndarray):
            return [n.forward(x) for n in self.neurons]
        # a batch: every neuron's dot, then z = dot + b and a = f(z) for the whole layer at
        # once (engine/layerwise.py; the same nodes as Neuron.forward, in fewer numpy calls)
        ns = self.neurons
        return bias_and_activation([dot(n.w, x) for n in ns], [n.b for n in ns], ns[0]._act,
                                   [n._labels for n in ns], [n.scope for n in ns])

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"neurons.{n}", neuron) for n, neuron in enumerate(self.neurons)]

    config_fields = ("nin", "nout", "activation", "index")
    size_fields = ("nin", "nout")

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation,
                "index": self.index}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """nout neurons of nin weights and one bias each: (nin + 1) * nout."""
        if "activation" in config:
            canonical_activation(config["activation"])
        if "index" in config:
            _check_index(config["index"], "Layer")
        nin = _check_count(config.get("nin"), "nin", "Layer")
        return (nin + 1) * _check_count(config.get("nout"), "nout", "Layer")

    @classmethod
    def unit_count(cls, config: Mapping[str, Any]) -> tuple[int, int]:
        """One layer of nout neurons."""
        return 1, config["nout"]

    def __repr__(self) -> str:
        return f"Layer(nin={self.nin}, nout={self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multilayer perceptron: layers of widths `sizes`, each feeding the next.

    ``MLP(784, [16, 16, 10])`` is the digit network: 784*16 + 16*16 + 16*10 =
    12,960 weights and 16 + 16 + 10 = 42 biases, 13,002 parameters. Hidden
    layers use `activation`, the last layer `output_activation`.
    """

    def __init__(self, nin: int, sizes: Sequence[int], activation: str = "tanh",
                 output_activation: str = "linear", *, init: str = "uniform",
                 seed: int | None = 0, rng: random.Random | None = None) -> None:
        self.nin = _check_count(nin, "nin", "MLP")
        self.sizes = _check_sizes(sizes)
        self.activation = canonical_activation(activation)
        self.output_activation = canonical_activation(output_activation)
        init_bound(init, 1, 1)
        rng = _make_rng(seed, rng, "MLP") if init != "zeros" else None
        fan_ins = [self.nin, *self.sizes[:-1]]
        last = len(self.sizes) - 1
        self.layers = [
            Layer(fan_in, width, self.output_activation if i == last else self.activation,
                  init=init, rng=rng, index=i)
            for i, (fan_in, width) in enumerate(zip(fan_ins, self.sizes))]

    def __call__(self, x: Any) -> Output:
        """The network's outputs: one Value if the last layer has one neuron, else a list."""
        out = self.forward(as_inputs(x, self.nin, self))
        return out[0] if len(out) == 1 else out

    def forward(self, x: Inputs) -> list[Value]:
        """Each layer's outputs feed the next; always a list."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"layers.{i}", layer) for i, layer in enumerate(self.layers)]

    config_fields = ("nin", "sizes", "activation", "output_activation")
    size_fields = ("nin", "sizes")

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "sizes": list(self.sizes), "activation": self.activation,
                "output_activation": self.output_activation}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """Sum over layers of (fan_in + 1) * width, fan_in the previous layer's width."""
        for key in ("activation", "output_activation"):
            if key in config:
                canonical_activation(config[key])
        nin = _check_count(config.get("nin"), "nin", "MLP")
        sizes = _check_sizes(config.get("sizes"))
        return sum((fan_in + 1) * width for fan_in, width in zip([nin, *sizes[:-1]], sizes))

    @classmethod
    def unit_count(cls, config: Mapping[str, Any]) -> tuple[int, int]:
        """len(sizes) layers of sum(sizes) neurons."""
        return len(config["sizes"]), sum(config["sizes"])

    def __repr__(self) -> str:
        return (f"MLP(nin={self.nin}, sizes={self.sizes}, activation={self.activation!r}, "
                f"output_activation={self.output_activation!r}; "
                f"{self.num_parameters()} parameters)")


def _check_sizes(sizes: object) -> list[int]:
    if isinstance(sizes, (int, str)) or not isinstance(sizes, Sequence) or not sizes:
        raise ValueError(f"MLP: sizes must be a non-empty list of layer widths, "
                         f"e.g. [16, 16, 1]; got {sizes!r:.60}")
    return [_check_count(s, f"sizes[{i}]", "MLP") for i, s in enumerate(sizes)]


# ------------------------------------------------------------ perceptron
class ConvergenceWarning(UserWarning):
    """A learning rule stopped before it fit the data."""


@dataclass
class PerceptronResult:
    """What :meth:`Perceptron.fit` did: `errors` holds the mistakes made in each epoch."""

    converged: bool
    epochs: int
    errors: list[int]

    def __str__(self) -> str:
        if self.converged:
            return f"converged after {self.epochs} epochs (mistakes per epoch: {self.errors})"
        return (f"did NOT converge in {self.epochs} epochs: still {self.errors[-1]} "
                f"mistakes per epoch; the data may not be linearly separable")


class Perceptron(Neuron):
    """Rosenblatt's perceptron (1957): output 1 if w . x + b > 0 else 0.

    The weights weigh the evidence; the bias b = -threshold says how easily it
    fires. With w = (-2, -2) and b = 3 it is a NAND gate. It learns by the
    perceptron rule, not by gradient descent (the step has derivative 0)::

        for each example (x, y):   y_hat = step(w . x + b)
            w <- w + lr (y - y_hat) x,    b <- b + lr (y - y_hat)

    The rule stops after an epoch with no mistakes, which happens exactly when
    the data are linearly separable (AND, OR, NAND) -- never for XOR.
    """

    def __init__(self, nin: int, *, init: str = "zeros", seed: int | None = 0,
                 rng: random.Random | None = None) -> None:
        super().__init__(nin, "step", init=init, seed=seed, rng=rng)

    @classmethod
    def from_weights(cls, w: Sequence[float], b: float) -> Perceptron:
        """A perceptron with the given weights, e.g. ``from_weights([-2, -2], 3)`` (NAND)."""
        p = cls(len(w))
        p.load_state_dict({**{f"w.{i}": wi for i, wi in enumerate(w)}, "b": b})
        return p

    def predict(self, x: Sequence[float]) -> int:
        """1 if w . x + b > 0 else 0, computed on plain floats (no graph)."""
        x = as_inputs(x, self.nin, self)
        z = sum(wi.data * float(xi) for wi, xi in zip(self.w, x)) + self.b.data
        return int(z > 0)

    def fit(self, X: Sequence[Sequence[float]], y: Sequence[int], *, lr: float = 1.0,
            max_epochs: int = 100) -> PerceptronResult:
        """Train with the perceptron rule until an epoch makes no mistakes.

        Returns a `PerceptronResult`; if `max_epochs` pass without converging it
        also warns (`ConvergenceWarning`): the data are probably not linearly
        separable.
        """
        if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs < 1:
            raise ValueError(f"Perceptron.fit: max_epochs must be a positive int, "
                             f"got {max_epochs!r:.40}")
        if (isinstance(lr, bool) or not isinstance(lr, (int, float))
                or not (math.isfinite(lr) and lr > 0)):
            raise ValueError(f"Perceptron.fit: lr must be a positive number, got {lr!r:.40}")
        rows, labels = _perceptron_data(X, y, self.nin)
        errors = []
        for epoch in range(1, max_epochs + 1):
            errors.append(0)
            for x, t in zip(rows, labels):
                delta = lr * (t - self.predict(x))
                if delta:
                    errors[-1] += 1
                    for wi, xi in zip(self.w, x):
                        wi.data += delta * xi
                    self.b.data += delta
            if errors[-1] == 0:
                return PerceptronResult(True, epoch, errors)
        result = PerceptronResult(False, max_epochs, errors)
        warnings.warn(f"Perceptron.fit {result}", ConvergenceWarning, stacklevel=2)
        return result

    config_fields = ("nin",)

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin}

    def __repr__(self) -> str:
        return f"Perceptron(nin={self.nin})"


def _perceptron_data(X: Sequence, y: Sequence, nin: int) -> tuple[list, list[int]]:
    rows = [_perceptron_row(x, i, nin) for i, x in enumerate(X)]
    labels = list(y)
    if len(rows) != len(labels):
        raise ValueError(f"Perceptron.fit: {len(rows)} examples but {len(labels)} labels")
    for i, t in enumerate(labels):
        if isinstance(t, (str, bytes)) or t not in (0, 1):
            raise ValueError(f"Perceptron.fit: label {t!r:.40} of example {i} must be 0 or 1")
    return rows, [int(t) for t in labels]


def _perceptron_row(x: object, i: int, nin: int) -> list[float]:
    if isinstance(x, (str, bytes)) or not isinstance(x, (Sequence, np.ndarray)):
        raise ValueError(f"Perceptron.fit: example {i} must be a list of {nin} numbers, "
                         f"got {type(x).__name__} {x!r:.40}")
    if len(x) != nin:
        raise ValueError(f"Perceptron.fit: example {i} has {len(x)} inputs, expected {nin}")
    row = []
    for j, v in enumerate(x):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number)):
            raise ValueError(f"Perceptron.fit: input {j} of example {i} is not a number: "
                             f"{v!r:.40}")
        if not math.isfinite(v):
            raise ValueError(f"Perceptron.fit: input {j} of example {i} is {v!r}, not finite")
        row.append(float(v))
    return row


_MODEL_CLASSES: dict[str, type[Module]] = {
    "Neuron": Neuron, "Layer": Layer, "MLP": MLP, "Perceptron": Perceptron}
