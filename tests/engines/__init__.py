"""A corpus of real micrograd-style engines that other people published on PyPI, for testing
micrograd_ed's checker (issue 21) and its drawing of any engine's graph (issue 26).

None of their code is in this repository: each engine is a distribution installed from PyPI
at test time, pinned by exact version in ``tests/engines/requirements.txt`` (the Makefile's
install step runs ``pip install --no-deps -r tests/engines/requirements.txt``). ``ENGINES``
says, for each engine, where it comes from (distribution, version, licence as its metadata
declares it), where its node class is (import module and class) and what a tool needs to
drive it (the names of its gradient, backward method, parents, per-node local derivative,
value, and of its ops); :func:`load` imports the installed class.

A corpus engine that is not installed, or installed at another version than the pin, makes a
test that loads it skip with a sentence naming the install command (as
``pytest.importorskip`` does), never fail.

What each engine really gets right and wrong is established against PyTorch float64 by
``engines/truth.py`` (independently of ``micrograd_ed.check``) and recorded in
``ground_truth.json``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, ModuleType

#: Op name -> the attribute a class defines for it by default (``r-`` is ``2 - v``, and so
#: on). An engine whose method has another name says so in :attr:`Engine.op_names`.
OP_ATTRIBUTES: dict[str, str] = {
    "+": "__add__",
    "r+": "__radd__",
    "-": "__sub__",
    "r-": "__rsub__",
    "*": "__mul__",
    "r*": "__rmul__",
    "/": "__truediv__",
    "r/": "__rtruediv__",
    "neg": "__neg__",
    "**": "__pow__",
    "tanh": "tanh",
    "exp": "exp",
    "log": "log",
    "relu": "relu",
    "sigmoid": "sigmoid",
}

#: Styles: ``micrograd`` (a faithful copy), ``extension`` (micrograd plus exp/log/sigmoid...),
#: ``lecture`` (code written while following the lecture, at some stage of it), ``port``
#: (reworked, with choices of its own), ``other-names`` (the same design under other names),
#: ``local-grads`` (microgpt's design: each node stores its parents' local derivatives as
#: numbers and one loop in ``backward`` applies the chain rule; no closures).
STYLES = ("micrograd", "extension", "lecture", "port", "other-names", "local-grads")

REQUIREMENTS = Path(__file__).resolve().parent / "requirements.txt"
INSTALL = "python -m pip install --no-deps -r tests/engines/requirements.txt"


@dataclass(frozen=True)
class Engine:
    """One engine of the corpus: where it is published and the names a tool needs to drive it.

    ``distribution`` and ``version`` are the PyPI pin, ``licence`` the licence its metadata
    declares (checked against the installed metadata by the tests); ``module`` is the import
    path of the module holding ``cls_name``. ``grad`` is the attribute holding dL/dnode,
    ``backward`` the method that backpropagates from a root, ``parents`` the attribute listing
    a node's operands, ``local`` the attribute holding what a node knows about its local
    derivatives: a closure that passes the gradient back (``local_kind == "closure"``) or a
    tuple of numbers, one per parent (``"numbers"``). ``data`` holds the value. ``ops`` lists
    the ops the class defines (keys of :data:`OP_ATTRIBUTES`), whether or not they work;
    ``op_names`` maps an op to the engine's own method name where it is not the default
    (omnigrad's ``reLU``). ``package_init`` is False when the package's ``__init__`` imports
    dependencies the corpus does not install: the module is then loaded from its installed
    file alone.
    """

    name: str
    distribution: str
    version: str
    licence: str
    module: str
    cls_name: str
    style: str
    ops: tuple[str, ...]
    grad: str = "grad"
    backward: str = "backward"
    parents: str = "_prev"
    local: str = "_backward"
    data: str = "data"
    local_kind: str = "closure"
    op_names: Mapping[str, str] = field(default_factory=dict, hash=False)
    package_init: bool = True

    def __post_init__(self) -> None:
        unknown = set(self.op_names) - set(OP_ATTRIBUTES)
        if unknown:
            raise ValueError(f"engine {self.name!r}: op_names has unknown ops {sorted(unknown)}")
        if self.style not in STYLES:
            raise ValueError(f"engine {self.name!r}: style {self.style!r} is not one of {STYLES}")
        object.__setattr__(self, "op_names", MappingProxyType(dict(self.op_names)))

    def attribute(self, op: str) -> str:
        """The attribute of the class that implements ``op`` (a key of OP_ATTRIBUTES)."""
        return self.op_names.get(op, OP_ATTRIBUTES[op])

    @property
    def pin(self) -> str:
        """``distribution==version``, as in requirements.txt."""
        return f"{self.distribution}=={self.version}"

    # The names the corpus had when its engines were files copied from GitHub; kept so code
    # written against that registry still reads a source from them.
    @property
    def repo(self) -> str:
        """Where the engine is published: ``pypi:<distribution>``."""
        return f"pypi:{self.distribution}"

    @property
    def path(self) -> str:
        """The module's file inside the distribution (``omnigrad/diffengine.py``)."""
        return self.module.replace(".", "/") + ".py"

    @property
    def commit(self) -> str:
        """The exact release: ``distribution==version``."""
        return self.pin


def _ops(*names: str) -> tuple[str, ...]:
    """``names`` in the order of :data:`OP_ATTRIBUTES` (each must be one of its keys)."""
    unknown = set(names) - set(OP_ATTRIBUTES)
    if unknown:
        raise ValueError(f"unknown op names {sorted(unknown)}; known: {list(OP_ATTRIBUTES)}")
    return tuple(op for op in OP_ATTRIBUTES if op in names)


_ARITHMETIC = ("+", "r+", "-", "r-", "*", "r*", "/", "r/", "neg", "**")
_MICROGRAD_OPS = _ops(*_ARITHMETIC, "relu")

ENGINES: dict[str, Engine] = {
    e.name: e
    for e in (
        Engine("micrograd", "micrograd", "0.1.0", "MIT", "micrograd.engine", "Value",
               "micrograd", _MICROGRAD_OPS),
        Engine("deep_autograd", "deep-autograd", "0.0.2", "MIT", "deep_autograd.engine",
               "Value", "micrograd", _MICROGRAD_OPS),
        Engine("learngrad", "learngrad", "0.2.1", "MIT", "learngrad.engine", "Value",
               "extension", _ops(*_ARITHMETIC, "exp", "relu")),
        Engine("mikegrad", "mikegrad", "0.2.0", "MIT", "mikegrad.engine", "Value", "extension",
               _ops("+", "r+", "-", "r-", "*", "r*", "/", "neg", "**", "tanh", "exp", "log",
                    "relu", "sigmoid")),
        Engine("propgrad", "propgrad", "0.1.1", "MIT", "propgrad.engine", "Value", "extension",
               _ops(*_ARITHMETIC, "tanh", "exp", "log", "relu", "sigmoid")),
        Engine("backprop_lib", "backprop-lib", "0.1.0", "MIT", "backprop.engine", "Value",
               "extension", _ops(*_ARITHMETIC, "tanh", "exp", "relu")),
        Engine("omnigrad", "omnigrad", "0.2.3", "MIT", "omnigrad.diffengine", "Value",
               "other-names", _ops(*_ARITHMETIC, "tanh", "exp", "log", "relu", "sigmoid"),
               op_names={"log": "ln", "relu": "reLU", "sigmoid": "sigmod"}),
        Engine("opengrad", "opengrad", "0.0.1", "MIT", "opengrad.engine", "Value", "lecture",
               _ops("+", "r+", "-", "*", "r*", "/", "neg", "**", "tanh", "exp", "relu")),
        Engine("femtograd", "femtograd", "0.0.5", "MIT", "femtograd.femtograd", "value",
               "other-names", _ops(*_ARITHMETIC, "tanh", "relu"), parents="prev"),
        Engine("nanoautograd", "nanoautograd", "0.1.2", "MIT", "NanoAutoGrad.engine", "Item",
               "other-names", _ops("+", "r+", "-", "r-", "*", "r*", "/", "neg", "**", "tanh",
                                   "exp"),
               backward="backwards", parents="_parents"),
        Engine("kaitorch", "kaitorch", "0.1.0", "MIT", "kaitorch.core", "Scalar", "port",
               _ops(*_ARITHMETIC, "exp", "log")),
        Engine("pyfit", "pyfit", "1.0.2", "MIT", "pyfit.engine", "Scalar", "port",
               _ops("+", "r+", "-", "r-", "*", "r*", "/", "r/", "relu")),
        Engine("strands_microgpt", "strands-microgpt", "0.1.0", "MIT",
               "strands_microgpt.engine", "Value", "local-grads",
               _ops(*_ARITHMETIC, "exp", "log", "relu"),
               parents="_children", local="_local_grads", local_kind="numbers",
               package_init=False),
    )
}


class EngineNotInstalled(ImportError):
    """The distribution of a corpus engine is missing, or installed at another version."""


def missing(name: str) -> str | None:
    """Why engine ``name`` cannot be loaded as pinned (a sentence), or None when it can."""
    engine = _engine(name)
    try:
        installed = importlib.metadata.version(engine.distribution)
    except importlib.metadata.PackageNotFoundError:
        return (f"corpus engine {name!r}: {engine.pin} is not installed; "
                f"run `{INSTALL}`")
    if installed != engine.version:
        return (f"corpus engine {name!r}: {engine.distribution} {installed} is installed, "
                f"the ground truth is for {engine.version}; run `{INSTALL}`")
    return None


def _engine(name: str) -> Engine:
    try:
        return ENGINES[name]
    except KeyError:
        raise KeyError(f"no engine {name!r} in the corpus; known: {', '.join(ENGINES)}") from None


def _module_from_file(engine: Engine) -> ModuleType:
    """The engine's module loaded from its installed file, without its package's __init__."""
    key = f"_corpus_engine_{engine.name}"
    if key in sys.modules:
        return sys.modules[key]
    dist = importlib.metadata.distribution(engine.distribution)
    path = Path(str(dist.locate_file(engine.path)))
    spec = importlib.util.spec_from_file_location(key, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise EngineNotInstalled(f"corpus engine {engine.name!r}: no file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


def load_installed(name: str) -> type:
    """The node class of engine ``name``, imported from its installed distribution.

    Raises KeyError naming the known engines when ``name`` is not one of them, and
    :class:`EngineNotInstalled` (an ImportError) naming the install command when the pinned
    distribution is not installed.
    """
    engine = _engine(name)
    reason = missing(name)
    if reason is not None:
        raise EngineNotInstalled(reason)
    if engine.package_init:
        module = importlib.import_module(engine.module)
    else:
        module = _module_from_file(engine)
    return getattr(module, engine.cls_name)


def load(name: str) -> type:
    """The node class of engine ``name``; in a test, a skip when its package is missing.

    As :func:`load_installed`, except that a missing (or other-version) distribution skips
    the calling test with the reason, as ``pytest.importorskip`` does, when pytest is
    running; elsewhere it raises :class:`EngineNotInstalled`.
    """
    try:
        return load_installed(name)
    except EngineNotInstalled as exc:
        if "pytest" in sys.modules:
            import pytest

            pytest.skip(str(exc), allow_module_level=True)
        raise


def installed_licence(name: str) -> str:
    """The licence the installed distribution's metadata declares, as a short name.

    Read from ``License-Expression``, else ``License`` (unless ``UNKNOWN``), else the
    ``License :: OSI Approved :: ... License`` classifier (``MIT License`` -> ``MIT``).
    """
    meta = importlib.metadata.metadata(_engine(name).distribution)
    for key in ("License-Expression", "License"):
        value = (meta.get(key) or "").strip()
        if value and value.upper() != "UNKNOWN":
            first = value.splitlines()[0].strip()
            return first.removesuffix(" License").removesuffix(" license")
    for classifier in meta.get_all("Classifier") or []:
        if classifier.startswith("License :: OSI Approved :: "):
            return classifier.rsplit(" :: ", 1)[1].removesuffix(" License")
    return "UNKNOWN"


def defined_ops(cls: type, op_names: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The ops (keys of :data:`OP_ATTRIBUTES`) that ``cls`` defines, in table order; an op
    whose method has another name is looked up under ``op_names[op]``."""
    names = op_names or {}
    return tuple(op for op, attr in OP_ATTRIBUTES.items()
                 if callable(getattr(cls, names.get(op, attr), None)))
