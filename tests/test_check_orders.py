"""check/orders.py: the checker chooses the set orders, so its verdicts are the same in every
process (CI once saw compare(fan_out, StackSort) pass, where the verdict depended on where the
allocator put the graph)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from micrograd_ed import Value
from micrograd_ed.check.orders import chosen_orders, orders_are_chosen, splitmix64

ROOT = Path(__file__).resolve().parents[1]


class Node:
    """A node class with Python's default hash, as most students write it."""

    def __init__(self, name: str) -> None:
        self.name = name


class OwnHash(Node):
    def __hash__(self) -> int:
        return 7


def _order(seed: int) -> list[str]:
    with chosen_orders(Node, seed):
        nodes = [Node(n) for n in "abcde"]
        return [n.name for n in set(nodes)]


def test_the_same_seed_gives_the_same_order_and_seeds_differ():
    assert all(_order(s) == _order(s) for s in range(20))
    orders = {tuple(_order(s)) for s in range(20)}
    assert len(orders) >= 10, orders       # 20 seeds: many of the 120 orders of 5 nodes


def test_outside_the_block_and_afterwards_a_node_hashes_as_python_does():
    n = Node("x")
    with chosen_orders(Node, 3) as chosen:
        assert chosen
        inside = hash(n)
        box: list[int] = []
        t = threading.Thread(target=lambda: box.append(hash(n)))    # another thread
        t.start()
        t.join()
        assert box == [object.__hash__(n)]
        assert inside != object.__hash__(n)
    assert hash(n) == object.__hash__(n)
    assert "__hash__" not in Node.__dict__          # the class is as it was


def test_blocks_nest_and_the_class_is_restored_after_the_last():
    with chosen_orders(Node, 1):
        a = Node("a")
        outer = hash(a)
        with chosen_orders(Node, 2):
            assert hash(a) == splitmix64((2 << 32) ^ 0) >> 2    # the first node hashed
        assert hash(a) == outer
        assert "__hash__" in Node.__dict__
    assert "__hash__" not in Node.__dict__


def test_a_class_with_its_own_hash_is_run_as_written():
    assert not orders_are_chosen(OwnHash)
    with chosen_orders(OwnHash, 5) as chosen:
        assert not chosen
        assert hash(OwnHash("q")) == 7
    assert OwnHash.__dict__["__hash__"] is not None


def test_an_error_inside_the_block_restores_the_class():
    with pytest.raises(ZeroDivisionError), chosen_orders(Value, 0):
        hash(Value(1.0))
        raise ZeroDivisionError("inside the block")
    assert "__hash__" not in Value.__dict__
    v = Value(2.0)
    assert hash(v) == object.__hash__(v)


_VERDICTS = """
import json, sys
sys.path[:0] = ["tests"]
junk = [object() for _ in range(int(sys.argv[1]))]       # another allocator state
junk += [[k] * (k % 7) for k in range(int(sys.argv[1]))]
import check_typical as t
from micrograd_ed.check import check_backward, check_engine, compare

def fan_out(V):
    a, b = V(2.0), V(-3.0)
    e = a * b
    f = e + a
    return {"a": a, "b": b, "e": e, "f": f, "L": f * e}

r = check_engine(t.StackSort)
c = compare(fan_out, t.StackSort)
b = check_backward(t.stack_sort_backward)
print(json.dumps([r.ok, str(r), c.ok, c.right_runs, c.runs, str(b)]))
"""


def test_verdicts_are_the_same_in_every_process():
    """The same check in processes with other hash seeds and allocator states prints the
    same report, to the number of right runs."""
    outs = set()
    for junk, hashseed in ((0, "0"), (3_001, "1"), (77_777, "12345")):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": hashseed}
        run = subprocess.run([sys.executable, "-c", _VERDICTS, str(junk)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        outs.add(run.stdout)
    assert len(outs) == 1, outs
    engine_ok, _, compare_ok, right, runs, _ = json.loads(outs.pop())
    assert not engine_ok and not compare_ok
    assert 0 < right < runs         # right in some orders only: said as a finding of its own
