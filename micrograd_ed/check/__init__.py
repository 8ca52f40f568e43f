"""Checking a learner's backprop against micrograd_ed, and pointing at the first wrong node.

* :func:`compare` -- one expression built with micrograd_ed and with a student's value class:
  every named node's data and grad, the first wrong one, why, and a picture;
* :func:`check_engine` -- a battery of cases (each op on its own, reuse and diamonds in both
  operand orders, huge inputs, a 5,000-deep chain, a ladder for exponential sorts, ...) for a
  student's whole value class, with a summary that keeps wrong gradients and limits apart;
* :func:`check_backward` -- a student's own ``backward(root)`` over micrograd_ed graphs, with
  hints for the common mistakes;
* :func:`check_op` -- one op's forward and local derivative, at many points;
* :func:`assert_matches` -- :func:`compare` for autograders: fails with the report's text.

Every graph is built afresh several times (a verdict never depends on set order or luck),
under a time budget (``time_limit=``; a hang raises :class:`CaseTimeout`, a BaseException,
inside the check and ends with a sentence). Another engine's attribute names are detected
or given: ``check_engine(V, grad="grade", backward="backwardpropagation")``.
"""

from micrograd_ed.check.backward import BackwardCase, BackwardReport, check_backward
from micrograd_ed.check.budget import CaseTimeout
from micrograd_ed.check.compare import BuildError, Comparison, Row, compare
from micrograd_ed.check.engine import check_engine
from micrograd_ed.check.ops import OpReport, OpRow, check_op
from micrograd_ed.check.result import CaseResult, EngineReport


def assert_matches(build, ValueClass: type, *, atol: float = 1e-9, rtol: float = 1e-6):
    """Fail (AssertionError with :func:`compare`'s report) unless the student's class agrees.

    For autograded assignments::

        def test_my_engine():
            assert_matches(build, student.Value)

    Returns the :class:`Comparison` when it passes.
    """
    __tracebackhide__ = True        # pytest shows the report, not this frame
    result = compare(build, ValueClass, atol=atol, rtol=rtol)
    if not result.ok:
        raise AssertionError(str(result))
    return result


__all__ = ["BackwardCase", "BackwardReport", "BuildError", "CaseResult", "CaseTimeout",
           "Comparison",
           "EngineReport", "OpReport", "OpRow", "Row", "assert_matches", "check_backward",
           "check_engine", "check_op", "compare"]
