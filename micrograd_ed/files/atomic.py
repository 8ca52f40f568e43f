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
  a replaced file keeps its mode and (as far as the writer may set them) its owner and
  group, so a file root saves for a user stays the user's;
* a file the writer may not write (read-only) is refused, as ``open(path, "w")`` refuses
  it, although replacing it would only need the folder's permission;
* a path ending in ``/`` names a folder and is refused (``Path("out/")`` would drop it);
* every error names the target the user asked for, never the temporary file.

A file with several *hard* links gets a new inode: the other names keep the old content
(a symbolic link is the way to share one file under two names).
"""

from __future__ import annotations

import contextlib
import errno
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
    text = os.fspath(path)
    asked = Path(text)
    if isinstance(text, str) and text.endswith(("/", os.sep)) and text.strip("/" + os.sep):
        raise NotARegularFileError(
            f"cannot write {text}: it ends in '/', so it names a folder; give a file name")
    try:
        real = Path(os.path.realpath(asked))
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        mode = None
    except ValueError as e:         # a NUL byte in the name
        raise ValueError(f"cannot write {text!r}: not a valid file name ({e}); "
                         f"nothing was written") from None
    except OSError as e:            # a symlink loop, a path through a file, no permission
        raise type(e)(e.errno, f"cannot write {asked}: {e.strerror}; "
                               f"nothing was written") from None
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
    asked = Path(os.fspath(path))
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError(f"cannot write {asked}: the text is not valid Unicode ({e}); "
                             f"nothing was written") from None
    real = resolve_target(path)
    try:
        old = os.stat(real)
    except FileNotFoundError:
        old = None
    if old is not None and not os.access(real, os.W_OK):
        raise PermissionError(errno.EACCES, f"cannot write {asked}: the file is read-only; "
                                            f"it was left as it was")
    tmp, fd = _create_temporary(real, asked)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if old is not None:
            _keep_owner(tmp, old)
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
        os.replace(tmp, real)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError) and not isinstance(e, NotARegularFileError):
            kept = "the file was left as it was" if old is not None else "nothing was written"
            raise type(e)(e.errno, f"cannot write {asked}: {e.strerror or e}; {kept}") from e
        raise
    return real


def _keep_owner(tmp: str, old: os.stat_result) -> None:
    """Give the new file the old one's owner and group, where the writer may (root may)."""
    if hasattr(os, "chown"):
        for uid, gid in ((old.st_uid, old.st_gid), (-1, old.st_gid)):
            try:
                os.chown(tmp, uid, gid)
                return
            except OSError:
                continue


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, ValueError, OSError):
        return 255


_NAME_ROOM = 200    # of a file name's 255 bytes, what the temporary name keeps of the target's


def _create_temporary(real: Path, asked: Path) -> tuple[str, int]:
    """A new file beside `real`, created with mode 0o666 so the umask applies.

    Its name is short enough for the file system even when the target's name is at the
    limit: '.<start of the name>.<8 hex digits>.tmp'.
    """
    size, limit = len(os.fsencode(real.name)), _name_max(real.parent)
    if size > limit:
        raise OSError(errno.ENAMETOOLONG, f"cannot write {asked}: the file name is too long "
                                          f"({size} bytes; the limit is {limit})")
    stem = real.name
    while len(os.fsencode(stem)) > min(_NAME_ROOM, limit - 14):
        stem = stem[:-1]
    for _ in range(100):
        tmp = str(real.parent / f".{stem}.{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except PermissionError as e:
            raise PermissionError(e.errno, f"cannot write {asked}: no permission to create "
                                           f"a file in {real.parent}") from e
        except OSError as e:
            raise type(e)(e.errno, f"cannot write {asked}: {e.strerror}") from e
    raise FileExistsError(f"cannot write {asked}: no free temporary name in {real.parent}")
