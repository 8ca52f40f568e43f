"""How a Value shows itself in Jupyter: a hook that the renderer fills in.

The engine knows nothing about pictures (it never imports micrograd_ed.viz). The package
registers the renderer's function here (micrograd_ed/__init__.py), loaded on first use, so a
Value in a notebook shows its graph while a training process never loads the renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Bundle = dict[str, Any]
_hook: list[Callable[[Any], Bundle]] = []


def set_display_hook(fn: Callable[[Any], Bundle]) -> None:
    """Use `fn(value) -> {mime type: data}` to show a Value in Jupyter."""
    _hook[:] = [fn]


def mimebundle(value: Any) -> Bundle:
    """What Jupyter shows for `value`: the hook's bundle, or the plain repr without one."""
    if _hook:
        return _hook[0](value)
    return {"text/plain": repr(value)}
