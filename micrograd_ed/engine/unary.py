"""A unary op of the table (ops.py) as a Value method: ``tanh = unary_op("tanh")``.

The method checks the op's domain (log needs x > 0), decides ONCE whether the operand holds
a float or a batch, lets the table compute the value z and the local derivative dz/dx, and
makes the node: ``x.tanh()`` is a node with op 'tanh', one parent x and local grad 1 − z².
Its docstring comes from the table too, so ``help(Value.tanh)`` says what the table says.
"""

from __future__ import annotations

from collections.abc import Callable

from micrograd_ed.engine import ops
from micrograd_ed.engine.batched import Batch
from micrograd_ed.engine.speed import unary


def apply(op: ops.Op, v, *parameter: float):
    """The node ``op(v)``: z and dz/dx from the table, for v's float or batch."""
    x = v.data if op.check is None else op.check(v)
    z, d = op.batch(x, *parameter) if x.__class__ is Batch else op.scalar(x, *parameter)
    return unary(z, op.name, v, d, parameter[0] if parameter else None)


def docstring(op: ops.Op) -> str:
    """``z = tanh(x);  dz/dx = 1 − z².`` and the domain, from the table."""
    forward = ops.fill(op.forward, x="x", k="k")
    slope = ops.fill(op.derivative, x="x", z="z", k="k")
    text = f"z = {forward};  dz/dx = {slope}."
    if op.domain:
        text += f"  Defined for {op.domain}."
    if op.kinks:
        text += (f"  At {', '.join(f'{k:g}' for k in op.kinks)} it has no derivative; the "
                 "slope used there is one of the one-sided slopes.")
    return text


def unary_op(name: str) -> Callable:
    """The Value method of the table's unary op `name` (without a parameter)."""
    op = ops.UNARY[name]
    scalar, batch, check = op.scalar, op.batch, op.check

    def method(self):               # `apply`, written out: one call fewer per node
        x = self.data if check is None else check(self)
        z, d = batch(x) if x.__class__ is Batch else scalar(x)
        return unary(z, name, self, d)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = docstring(op)
    return method
