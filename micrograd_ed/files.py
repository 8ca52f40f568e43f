"""Writing the user's files safely: whole or not at all, through links, with the user's umask.

Every file micrograd_ed writes (models, figures, pages, worksheets) goes through
:func:`write_atomic`:

* the bytes go to a new temporary file beside the target, which then replaces the target
  with ``os.replace`` (atomic on POSIX): a save that fails half-way (a full disk, Ctrl-C)
  leaves the old file exactly as it was and removes the temporary file;
* a symbolic link is written *through*: the file it points to gets the new content and the
  link stays a link;
* a target that exists but is not a regular file (a folder, a FIFO, a device such as
  ``/dev/null``, a socket) is refused with a clear error, never replaced;
* a new file gets the mode ``0o666`` less the user's umask (what ``open(path, "w")`` gives);
  a replaced file keeps its mode;
* every error names the target the user asked for, never the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

PathLike = str | os.PathLike


class NotARegularFileError(OSError):
    """The target exists but is a folder, FIFO, device or socket: it is never replaced."""


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def resolve_target(path: PathLike) -> Path:
    """The file a write to `path` lands in: `path` itself, or what its symlinks point to.

    Raises NotARegularFileError when that exists and is not a regular file, and
    FileNotFoundError (naming `path`) when its folder does not exist.
    """
    asked = Path(os.fspath(path))
    real = Path(os.path.realpath(asked))
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        via = f" (the link points to {real})" if real != asked.absolute() else ""
        raise NotARegularFileError(
            f"cannot write {asked}: it is {kind}{via}, not a regular file; nothing was written")
    if not real.parent.is_dir():
        raise FileNotFoundError(
            f"cannot write {asked}: the folder {real.parent} does not exist; nothing was written")
    return real


def write_atomic(path: PathLike, data: bytes | str) -> Path:
    """Write `data` (bytes, or str as UTF-8) to `path` atomically; return the file written.

    See the module docstring for what "safely" means. Errors are OSErrors whose message
    names `path`.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    asked = Path(os.fspath(path))
    real = resolve_target(asked)
    try:
        old_mode = stat.S_IMODE(os.stat(real).st_mode)
    except FileNotFoundError:
        old_mode = None
    tmp, fd = _create_temporary(real, asked)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if old_mode is not None:
            os.chmod(tmp, old_mode)
        os.replace(tmp, real)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError) and not isinstance(e, NotARegularFileError):
            raise type(e)(e.errno, f"cannot write {asked}: {e.strerror or e}; "
                                   f"the file was left as it was") from e
        raise
    return real


def _create_temporary(real: Path, asked: Path) -> tuple[str, int]:
    """A new file beside `real`, created with mode 0o666 so the umask applies."""
    for _ in range(100):
        tmp = str(real.parent / f".{real.name}.{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as e:
            raise type(e)(e.errno, f"cannot write {asked}: {e.strerror}") from e
    raise FileExistsError(f"cannot write {asked}: no free temporary name in {real.parent}")
