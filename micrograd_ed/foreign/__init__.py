"""Other people's engines: reading a graph built by any micrograd-style value class.

Most people who learn backprop write their own micrograd. Their nodes keep the same things
under names of their own choosing: the number (``data``), its gradient (``grad``, or
``grade``), the operands (``_prev``, ``_children``, ``parents``), the op (``_op``), the
local derivatives (``_local_grads``, in microgpt's style) or a closure that applies them
(``_backward``), and a method that runs backprop (``backward()``, ``backprop()``).

    names.py   `Names`: which attribute holds what; `detect`: find them on a node or class,
               saying what was found and what was assumed; `op_method`: the method of a
               unary op (omnigrad's ``reLU()`` for relu)
    graph.py   `read_graph`: another engine's graph as a read-only mirror of micrograd_ed
               Values (its data, grads, ops, operands and local derivatives), which
               draw_graph, step_through and compare_graphs draw
    ops.py     what op a node is (its text, its method, or its numbers) and `off_the_rule`:
               the edges whose local derivative differs from the op's rule
    torch.py   `read_torch`: the same for a PyTorch 0-d tensor, through grad_fn (needs torch)

The checker (micrograd_ed.check) and the pictures (micrograd_ed.viz) both read other
engines through these names, so an engine is described once.
"""

from micrograd_ed.foreign.names import Names, NamesError, detect, op_method

__all__ = ["Names", "NamesError", "detect", "op_method"]
