"""The lecture's chain-rule example, printed node by node: L = (a*b + c) * f."""

from __future__ import annotations

from micrograd_ed.engine import Value, topological_order


def chain_rule_example() -> Value:
    """Build L = (a*b + c) * f with a=2, b=-3, c=10, f=-2, labelled as in the lecture."""
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def describe(root: Value) -> str:
    """A table of every node: how it was made, its value, its gradient, and each edge's share."""
    order = topological_order(root)
    lines = [f"{'node':<6}{'made by':<12}{'value':>10}{'dL/dnode':>11}   chain rule",
             "-" * 72]
    for v in order:
        made = "input" if not v.op else f" {v.op} ".join(p.label or "?" for p in v.parents)
        lines.append(f"{v.label:<6}{made:<12}{v.data:>10.4g}{v.grad:>11.4g}")
        for p, d in zip(v.parents, v.local_grads):
            lines.append(f"{'':<39}dL/d{p.label} += dL/d{v.label} * d{v.label}/d{p.label}"
                         f" = {v.grad:.4g} * {d:.4g} = {v.grad * d:.4g}")
    return "\n".join(lines)


def main() -> None:
    L = chain_rule_example()
    L.backward()
    print("Forward values and gradients of L = (a*b + c) * f\n")
    print(describe(L))


if __name__ == "__main__":
    main()
