"""The checker's time budget in a real Jupyter kernel: a student's endless backward, checked
from a notebook cell (the kernel's main thread), ends with the sentence, and the kernel lives."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

jupyter_client = pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")
pytest.importorskip("micrograd")

TESTS = Path(__file__).resolve().parent
CELL = f"""
import sys, time, threading
sys.path.insert(0, {str(TESTS)!r})
import check_typical as t
from micrograd_ed.check import compare
from micrograd_ed.check.graphs import fan_out
assert threading.current_thread() is threading.main_thread()
start = time.monotonic()
c = compare(fan_out, t.Endless, time_limit=0.5)
print(c.error.kind, round(time.monotonic() - start) < 5)
print(c.error.message)
"""


def test_an_endless_backward_ends_in_a_kernel_cell():
    km = jupyter_client.KernelManager(kernel_name="python3")
    km.kernel_cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    km.start_kernel(env={"PYTHONPATH": str(TESTS.parent)})
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        out: list[str] = []
        reply = kc.execute_interactive(CELL, timeout=60, output_hook=lambda m: out.append(
            m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
        assert reply["content"]["status"] == "ok", reply["content"]
        text = "".join(out)
        assert text.startswith("Timeout True\n"), text
        assert "did not finish within its time budget of 0.5 s" in text
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
