"""How a Value shows itself in Jupyter: its graph when small, its repr and a hint when large."""

from __future__ import annotations

from micrograd_ed.engine import Value, topological_order
from micrograd_ed.viz.core.backends import RendererNotFoundError
from micrograd_ed.viz.core.scopes import count_nodes
from micrograd_ed.viz.graph.draw import draw_graph

INLINE_MAX_NODES = 60  # drawn nodes (values + ops); more is not worth a picture by default


def value_mimebundle(v: Value, max_nodes: int = INLINE_MAX_NODES) -> dict[str, str]:
    """The Jupyter mime bundle of ``v``: ``image/svg+xml`` (its graph) and ``text/plain``.

    A graph of more than ``max_nodes`` nodes, or one that cannot be rendered,
    gives only the text, with a hint saying how to draw it.
    """
    text = repr(v)
    count = count_nodes(topological_order(v), {}, collapse=False)
    if count > max_nodes:
        hint = (f"(its graph has {count} nodes, too many to show inline: draw it with "
                "micrograd_ed.viz.draw_graph(v, collapse=True) or "
                f"draw_graph(v, max_nodes={count}))")
        return {"text/plain": f"{text}\n{hint}"}
    try:
        svg = draw_graph(v, max_nodes=max_nodes).svg()
    except RendererNotFoundError as e:
        return {"text/plain": f"{text}\n(graph not drawn: {e})"}
    return {"image/svg+xml": svg, "text/plain": text}
