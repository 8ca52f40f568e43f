"""Model files: JSON written atomically, read back with every field checked.

A model file is one JSON object::

    {"format": "micrograd_ed.model", "version": 1,
     "class": "MLP", "config": {"nin": 2, "sizes": [16, 16, 1], ...},
     "state": {"layers.0.neurons.0.w.0": 0.123, ...}}

Writing goes through :func:`micrograd_ed.files.atomic.write_atomic`: a temporary file in
the same folder then replaces the target, so a save that fails half-way leaves the
old file as it was. There is no pickle anywhere: loading a file can only ever
produce numbers.

A model file may come from anyone, so reading one is bounded. Limits:

* ``MAX_FILE_BYTES`` (128 MiB): a larger file is refused before it is read
  (the digit network's file is 0.68 MB, so one at MAX_PARAMETERS about 52 MB);
* ``MAX_PARAMETERS`` (1,000,000): the architecture a file describes is counted
  from its config *before* anything is built, and refused when it has more
  parameters than this (about 75 times the digit network's 13,002; each
  parameter is a Python object of a few hundred bytes) or than the file's state
  holds;
* ``MAX_LAYERS`` (1,000) and ``MAX_NEURONS`` (100,000), counted the same way: each layer
  and each neuron is an object with its own cost beyond its parameters', so under the
  parameter cap alone MLP(1, [1] * 499999) took 22 s and 1.9 GB to load and
  MLP(1, [333333]) 17 s and 1.2 GB. At these caps a load takes a few seconds and a few
  hundred MB at most (MLP(1, [100000]): 4.5 s, 390 MB; the digit network has 3 layers
  and 42 neurons);
* a folder, FIFO or device is refused instead of read (reading a FIFO would
  wait forever); nesting too deep for the JSON parser, a key given twice in one
  object, NaN/Infinity and numbers beyond a float's range are refused.

Every problem with a file's content is a :class:`ModelFileError` that names the
file and what is wrong; a missing file is the usual ``FileNotFoundError``.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Mapping
from typing import Any

from micrograd_ed.files.atomic import write_atomic

FORMAT = "micrograd_ed.model"
VERSION = 1
MAX_FILE_BYTES = 128 * 2**20
MAX_PARAMETERS = 1_000_000
MAX_LAYERS = 1_000
MAX_NEURONS = 100_000
_INT_DIGITS = 4000          # a longer integer literal is read as a float (so, inf)

PathLike = str | os.PathLike


class ModelFileError(ValueError):
    """A model file that cannot be read: corrupted, or not a micrograd_ed model."""


class StateDictError(ValueError):
    """A state dict that does not fit the model: a missing or extra key, or a bad number."""


def write_text_atomic(path: PathLike, text: str) -> None:
    """Write `text` to `path` atomically, through links, with the user's umask.

    See :func:`micrograd_ed.files.atomic.write_atomic`: if anything fails, an existing `path` is
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

    Checks the envelope only (a regular file of at most MAX_FILE_BYTES, valid
    JSON, format, version, field types); the model class checks the config and
    :meth:`Module.load_state_dict` the state.
    """
    where = os.fspath(path)
    raw = _read_bytes(path, where)
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant,
                         parse_int=_parse_int, object_pairs_hook=_unique_keys)
    except UnicodeDecodeError:
        raise ModelFileError(f"{where}: not a text file; the file is corrupted") from None
    except json.JSONDecodeError as e:
        raise ModelFileError(f"{where}: not valid JSON ({e}); the file is corrupted "
                             f"or truncated") from None
    except ModelFileError as e:
        raise ModelFileError(f"{where}: {e}") from None
    except (RecursionError, MemoryError):
        raise ModelFileError(f"{where}: the JSON is nested too deeply to read; it is not "
                             f"a micrograd_ed model file") from None
    if not isinstance(doc, dict):
        raise ModelFileError(f"{where}: expected a JSON object, got {_kind(doc)}")
    if doc.get("format") != FORMAT:
        raise ModelFileError(f"{where}: not a micrograd_ed model file "
                             f"(format is {_short(doc.get('format'))}, expected {FORMAT!r})")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:     # true == 1 in Python
        raise ModelFileError(f"{where}: unsupported version {_short(version)} "
                             f"(this micrograd_ed reads version {VERSION}, an integer)")
    for key, kind in (("class", str), ("config", dict), ("state", dict)):
        if not isinstance(doc.get(key), kind):
            raise ModelFileError(f"{where}: field {key!r} must be a {_kind(kind())}, "
                                 f"got {_kind(doc.get(key))}")
    return doc["class"], doc["config"], doc["state"]


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def _read_bytes(path: PathLike, where: str) -> bytes:
    """The file's bytes, refusing (without blocking) anything but a regular file, and size."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except ValueError as e:          # a NUL byte in the name
        raise ModelFileError(f"{where!r} is not a valid file name ({e})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a file")
            raise ModelFileError(f"{where}: is {kind}, not a model file")
        if st.st_size > MAX_FILE_BYTES:
            raise ModelFileError(f"{where}: the file has {st.st_size:,} bytes, more than a "
                                 f"model file may have (MAX_FILE_BYTES = {MAX_FILE_BYTES:,})")
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        raw = f.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ModelFileError(f"{where}: the file has more than {MAX_FILE_BYTES:,} bytes "
                             f"(MAX_FILE_BYTES)")
    return raw


def _parse_int(text: str) -> int | float:
    """An integer literal; a very long one as a float (inf), so no conversion can blow up."""
    return int(text) if len(text) <= _INT_DIGITS else float(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ModelFileError(f"the key {_short(key)} appears twice in one object; "
                                 f"the file is corrupted")
        out[key] = value
    return out


def _kind(x: object) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", int: "number",
            float: "number", type(None): "null"}.get(type(x), type(x).__name__)


def _short(x: object, limit: int = 40) -> str:
    text = repr(x)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _reject_constant(name: str) -> float:
    raise ModelFileError(f"the file contains {name}, which is not a valid weight")
