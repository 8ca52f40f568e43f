"""Calling backward() twice: what the engine does, said next to PyTorch's rule.

PyTorch (with ``retain_graph=True``) accumulates into the leaves: their grads are 2x one
call's after two calls, and interior grads are not kept. This is information, not a grade.
"""

from __future__ import annotations

from micrograd_ed.check.cases import backward_twice_graph
from micrograd_ed.check.compare import reference
from micrograd_ed.check.driver import Driver
from micrograd_ed.check.explain import num
from micrograd_ed.check.guard import student_error
from micrograd_ed.check.result import INFO, CaseResult


def backward_twice(drv: Driver) -> CaseResult:
    """Call backward twice on L = (a*b)*c and compare the leaf grads with one call's."""
    name, formula = "backward twice", "L = (a*b)*c, L.backward() called twice"
    once = reference(backward_twice_graph)
    calls = 0
    try:
        nodes = backward_twice_graph(drv.cls)
        root = nodes["L"]
        drv.backward(root)
        calls = 1
        drv.backward(root)
        calls = 2
    except Exception as e:
        err = student_error(e, "backward", drv.cls)
        if calls == 0:
            return CaseResult(name, INFO, f"not run: building the graph or the first "
                              f"backward() raised {err.kind}: {err.message}", formula)
        return CaseResult(name, INFO, f"the second call raised {err.kind}: {err.message} "
                          f"(PyTorch also refuses a second backward through the same graph "
                          f"unless retain_graph=True)", formula)
    try:                        # reading is the checker's doing, not the student's
        grads = {k: float(drv.read(nodes[k], "grad")) for k in ("a", "b", "c")}
    except Exception as e:      # noqa: BLE001
        return CaseResult(name, INFO, f"not run: the checker could not read the grads "
                          f"(.{drv.names.grad}: {type(e).__name__}: {e})", formula)
    ratios = {k: grads[k] / float(once[k].grad) for k in grads}
    shown = ", ".join(f"grad {k} = {num(r)} \u00d7 one call's" for k, r in ratios.items())
    if all(abs(r - 2) < 1e-9 for r in ratios.values()):
        verdict = ("leaf grads accumulate over calls, as in PyTorch (with retain_graph=True): "
                   "zero them before each step")
    elif all(abs(r - 1) < 1e-9 for r in ratios.values()):
        verdict = ("each call starts again from zero; PyTorch instead accumulates into the "
                   "leaves (2\u00d7 after two calls)")
    else:
        verdict = ("interior grads kept from the first call were passed on again; PyTorch "
                   "accumulates only into the leaves (2\u00d7 after two calls). Reset every "
                   "interior node's grad to 0 at the start of backward()")
    return CaseResult(name, INFO, f"{shown}: {verdict}", formula)
