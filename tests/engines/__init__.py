"""A corpus of real micrograd-style engines that other people published, for testing
micrograd_ed's checker (issue 21) and its drawing of any engine's graph (issue 26).

Each module here is one engine copied verbatim from a public repository with a permissive
licence; its header names the repository, path and commit and reproduces the licence. None
of it is part of micrograd_ed. ``ENGINES`` says, for each engine, what a tool needs to drive
it (the class, the names of its gradient, backward method and parents) and which ops it
defines; :func:`load` imports the class.

What each engine really gets right and wrong is established against PyTorch float64 by
``engines/truth.py`` (independently of ``micrograd_ed.check``) and recorded in
``ground_truth.json``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

#: Op name -> the attribute a class must define for it (``r-`` is ``2 - v``, and so on).
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
#: (reworked, with bugs of its own), ``other-names`` (the same design under other names).
STYLES = ("micrograd", "extension", "lecture", "port", "other-names")


@dataclass(frozen=True)
class Engine:
    """One engine of the corpus and the names a tool needs to drive it.

    ``module`` is the file in this package, ``cls_name`` the node class in it; ``grad`` is the
    attribute holding dL/dnode, ``backward`` the method that backpropagates from a root,
    ``parents`` the attribute listing a node's operands, ``local`` the attribute holding the
    per-node backward closure. ``ops`` lists the ops the class defines (keys of
    :data:`OP_ATTRIBUTES`), whether or not they work.
    """

    name: str
    module: str
    cls_name: str
    style: str
    repo: str
    path: str
    commit: str
    ops: tuple[str, ...]
    grad: str = "grad"
    backward: str = "backward"
    parents: str = "_prev"
    local: str = "_backward"
    data: str = "data"


def _ops(*names: str) -> tuple[str, ...]:
    """``names`` in the order of :data:`OP_ATTRIBUTES` (each must be one of its keys)."""
    unknown = set(names) - set(OP_ATTRIBUTES)
    if unknown:
        raise ValueError(f"unknown op names {sorted(unknown)}; known: {list(OP_ATTRIBUTES)}")
    return tuple(op for op in OP_ATTRIBUTES if op in names)


_MICROGRAD_OPS = _ops("+", "r+", "-", "r-", "*", "r*", "/", "r/", "neg", "**", "relu")

ENGINES: dict[str, Engine] = {
    e.name: e
    for e in (
        Engine("karpathy_micrograd", "karpathy_micrograd", "Value", "micrograd",
               "karpathy/micrograd", "micrograd/engine.py", "release 0.1.0 (PyPI)", _MICROGRAD_OPS),
        Engine("saagark_micrograd", "saagark_micrograd", "Value", "extension",
               "saagark/micrograd", "micrograd-py/engine.py",
               "3060d198dbee98830508ad50160c6d3f771bd384",
               _ops(*_MICROGRAD_OPS, "exp", "sigmoid"), parents="_children"),
        Engine("qingzhou_lecture", "qingzhou_lecture", "Value", "lecture",
               "QingZhou-YangHY/Micrograd", "engine.py",
               "2cee67d0f5a5b8ca1d521125b9d7501ae9381324", ("+", "*", "tanh")),
        Engine("qingzhou_package", "qingzhou_package", "Value", "extension",
               "QingZhou-YangHY/Micrograd", "micrograd/engine.py",
               "448c992ac3af88c8593b9f5fd1277f9f490364ed",
               _ops(*_MICROGRAD_OPS, "tanh", "exp")),
        Engine("tonygrad", "tonygrad", "Value", "port",
               "ent0n29/tonygrad", "tonygrad/engine.py",
               "5083a4da94f634a1fbb78ba2ee190dae0235544e",
               ("+", "r+", "-", "*", "r*", "/", "neg", "**", "tanh", "exp")),
        Engine("tonygrad_early", "tonygrad_early", "Value", "lecture",
               "ent0n29/tonygrad", "micrograd/engine.py",
               "1d4277bb68118b0461bcc134a1063ac94a1ec2a1",
               ("+", "r+", "-", "*", "r*", "/", "neg", "tanh", "exp")),
        Engine("microgn", "microgn", "Value", "extension",
               "Samanvith1404/MicroGNN", "Value.py",
               "6af2fe2e5e89a57791b5b83642572cd2a7556b6d",
               ("+", "-", "*", "neg", "**", "tanh", "exp")),
        Engine("zvonimir_lecture", "zvonimir_lecture", "Value", "lecture",
               "zvonimirkonjevic/micrograd", "micrograd/engine.py",
               "0d55ba61674bc4dc530664da651788a3ead6bbfa", ("+", "*", "r*", "tanh")),
        Engine("zvonimir_value", "zvonimir_value", "Value", "extension",
               "zvonimirkonjevic/micrograd", "src/engines/value.py",
               "cd0b4011f220e171de5c543c0625322948822478",
               _ops(*_MICROGRAD_OPS, "tanh", "exp", "sigmoid")),
        Engine("mxmasterton_autograd", "mxmasterton_autograd", "Value", "other-names",
               "mxmasterton/autograd", "autograd/engine.py",
               "3e9117ee08918672ba5655fc4c7c30e701be7d75",
               ("+", "r+", "-", "r-", "*", "r*", "neg", "**", "relu"),
               backward="backprop", local="_backprop"),
        Engine("esmail_nanograd", "esmail_nanograd", "Value", "extension",
               "Esmail-ibraheem/nanograd", "nanograd/nn/engine.py",
               "797f631c6e63c4df2cda8343396f08f4b6730def", _ops(*_MICROGRAD_OPS, "sigmoid")),
        Engine("scalargrad", "scalargrad", "Scalar", "other-names",
               "THAMIZH-ARASU/scalargrad", "scalargrad/core.py",
               "30b939cfcf08df43c321e9667d6899786e684d54",
               _ops(*_MICROGRAD_OPS, "tanh", "exp", "log", "sigmoid")),
    )
}


def load(name: str) -> type:
    """The node class of engine ``name`` (imported from its module in this package).

    Raises KeyError naming the known engines when ``name`` is not one of them.
    """
    try:
        engine = ENGINES[name]
    except KeyError:
        raise KeyError(f"no engine {name!r} in the corpus; known: {', '.join(ENGINES)}") from None
    module = importlib.import_module(f".{engine.module}", __name__)
    return getattr(module, engine.cls_name)


def defined_ops(cls: type) -> tuple[str, ...]:
    """The ops (keys of :data:`OP_ATTRIBUTES`) that ``cls`` defines, in table order."""
    return tuple(op for op, attr in OP_ATTRIBUTES.items() if callable(getattr(cls, attr, None)))
