"""Model files: JSON written atomically, read back with every field checked.

A model file is one JSON object::

    {"format": "micrograd_ed.model", "version": 1,
     "class": "MLP", "config": {"nin": 2, "sizes": [16, 16, 1], ...},
     "state": {"layers.0.neurons.0.w.0": 0.123, ...}}

Writing goes to a temporary file in the same folder, which then replaces the
target with ``os.replace`` (atomic on POSIX and Windows): a save that fails
half-way leaves the old file as it was. There is no pickle anywhere: loading a
file can only ever produce numbers.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import Any

from micrograd_ed.files import write_atomic

FORMAT = "micrograd_ed.model"
VERSION = 1

PathLike = str | os.PathLike


class ModelFileError(ValueError):
    """A model file that cannot be read: corrupted, or not a micrograd_ed model."""


class StateDictError(ValueError):
    """A state dict that does not fit the model: a missing or extra key, or a bad number."""


def write_text_atomic(path: PathLike, text: str) -> None:
    """Write `text` to `path` atomically, through links, with the user's umask.

    See :func:`micrograd_ed.files.write_atomic`: if anything fails, an existing `path` is
    untouched and no temporary file is left.
    """
    write_atomic(path, text)


def write_model_file(path: PathLike, cls_name: str, config: dict[str, Any],
                     state: Mapping[str, float]) -> None:
    """Save a model's class name, constructor config and parameters as JSON, atomically."""
    for name, x in state.items():
        if not math.isfinite(x):
            raise ValueError(f"save: parameter {name} is {x!r}; a model with NaN or inf "
                             f"weights cannot be loaded again, so nothing was written "
                             f"(the file {os.fspath(path)!r} is left as it was)")
    doc = {"format": FORMAT, "version": VERSION, "class": cls_name,
           "config": config, "state": dict(state)}
    write_text_atomic(path, json.dumps(doc, indent=1, allow_nan=False) + "\n")


def read_model_file(path: PathLike) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Read a model file; return ``(class name, config, state)``.

    Checks the envelope only (valid JSON, format, version, field types); the
    model class checks the config and :meth:`Module.load_state_dict` the state.
    """
    where = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise ModelFileError(f"{where}: not valid JSON ({e}); the file is corrupted "
                             f"or truncated") from None
    except ModelFileError as e:
        raise ModelFileError(f"{where}: {e}") from None
    except UnicodeDecodeError:
        raise ModelFileError(f"{where}: not a text file; the file is corrupted") from None
    if not isinstance(doc, dict):
        raise ModelFileError(f"{where}: expected a JSON object, got {type(doc).__name__}")
    if doc.get("format") != FORMAT:
        raise ModelFileError(f"{where}: not a micrograd_ed model file "
                             f"(format is {doc.get('format')!r}, expected {FORMAT!r})")
    if doc.get("version") != VERSION:
        raise ModelFileError(f"{where}: unsupported version {doc.get('version')!r} "
                             f"(this micrograd_ed reads version {VERSION})")
    for key, kind in (("class", str), ("config", dict), ("state", dict)):
        if not isinstance(doc.get(key), kind):
            raise ModelFileError(f"{where}: field {key!r} must be a {kind.__name__}, "
                                 f"got {type(doc.get(key)).__name__}")
    return doc["class"], doc["config"], doc["state"]


def _reject_constant(name: str) -> float:
    raise ModelFileError(f"the file contains {name}, which is not a valid weight")
