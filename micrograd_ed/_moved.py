"""Old module paths that keep working after the package was regrouped by layer.

Code written for earlier versions imports, for example, ``micrograd_ed.worked_example`` or
``micrograd_ed.viz.scopes``; those modules now live in ``micrograd_ed.teach`` and
``micrograd_ed.viz.core``. A small import hook (PEP 451: a finder on ``sys.meta_path``)
answers each old name with the module at its new place: the very same module object, so
``micrograd_ed.digits is micrograd_ed.training.digits``. New code should use the new paths.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from types import ModuleType

MOVED = {                       # old name -> new name, both under micrograd_ed
    "animate": "cli.animate",
    "demo": "cli.demo",
    "digits": "training.digits",
    "expr": "teach.expr",
    "memory": "engine.memory",
    "op_checks": "teach.op_checks",
    "plots": "viz.training.plots",
    "recording": "training.recording",
    "serialize": "files.models",
    "tasks": "training.tasks",
    "train_checks": "training.checks",
    "worked_example": "teach.worked_example",
    "worksheet": "teach.worksheet",
    "worksheet_levels": "teach.worksheet_levels",
    **{f"viz.{name}": f"viz.core.{name}" for name in (
        "backends", "diagram", "dot", "estimate", "legend", "page", "pdf", "reading",
        "scopes", "style", "svgpost", "themes")},
    "viz.graph_dot": "viz.graph.dot",
    "viz.graph_order": "viz.graph.order",
    "viz.graph_plan": "viz.graph.plan",
    "viz.network_dot": "viz.network.dot",
    "viz.steps_pdf": "viz.steps.pdf",
    "viz.steps_player": "viz.steps.player",
    "viz.steps_svg": "viz.steps.svg",
    "viz.training_export": "viz.training.export",
    "viz.training_frames": "viz.training.frames",
    "viz.training_plots": "viz.training.panels",
}
_PREFIX = "micrograd_ed."


class _Alias:
    """Finds an old name and loads it as the module at its new place (a meta path finder and
    its loader; not derived from importlib.abc, whose import loads tempfile and more)."""

    def find_spec(self, fullname: str, path: object = None, target: object = None):
        if fullname.startswith(_PREFIX) and fullname[len(_PREFIX):] in MOVED:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(_PREFIX + MOVED[spec.name[len(_PREFIX):]])

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module at the new place is already loaded. The import system
        has just set its ``__spec__`` to the old name's; give it back its own."""
        module.__spec__ = importlib.machinery.PathFinder.find_spec(
            module.__name__, sys.modules[module.__name__.rpartition(".")[0]].__path__)


def install() -> None:
    """Put the finder on sys.meta_path once (after the standard finders: a real module of
    that name, should one exist, wins)."""
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.append(_Alias())
