"""write_atomic against the cases a plain open(path, "w") handles and a naive atomic write does not.

Each test is a hole found by trying: a symlink loop, a name near the length limit, a
trailing slash, a path through a file, a read-only file, a file owned by someone else
(written by root), text that is not valid Unicode.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from micrograd_ed.files.atomic import NotARegularFileError, write_atomic

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _leftovers(folder) -> list[str]:
    return [p for p in os.listdir(folder) if p.endswith(".tmp")]


def test_a_symlink_loop_is_an_error_naming_the_target(tmp_path):
    (tmp_path / "a.svg").symlink_to("b.svg")
    (tmp_path / "b.svg").symlink_to("a.svg")
    with pytest.raises(OSError, match=r"cannot write .*a\.svg: .*symbolic links"):
        write_atomic(tmp_path / "a.svg", "x")
    assert (tmp_path / "a.svg").is_symlink() and _leftovers(tmp_path) == []


def test_a_name_at_the_length_limit_can_be_written(tmp_path):
    """The temporary name '.NAME.xxxxxxxx.tmp' was longer than the file system allows."""
    name = "m" * 250 + ".json"
    write_atomic(tmp_path / name, "{}")
    assert (tmp_path / name).read_text() == "{}" and _leftovers(tmp_path) == []


def test_a_name_that_is_too_long_says_so_naming_it(tmp_path):
    with pytest.raises(OSError, match=r"cannot write .*mmm.*too long"):
        write_atomic(tmp_path / ("m" * 300 + ".json"), "{}")


def test_a_trailing_slash_names_a_folder_and_is_refused(tmp_path):
    """Path('out/') is Path('out'): a file 'out' was created where a folder was meant."""
    with pytest.raises(NotARegularFileError, match="ends in '/'.*folder"):
        write_atomic(str(tmp_path / "out") + "/", "x")
    assert list(tmp_path.iterdir()) == []


def test_a_path_through_a_file_is_an_error_naming_the_target(tmp_path):
    (tmp_path / "notes.txt").write_text("keep")
    with pytest.raises(OSError, match=r"cannot write .*notes\.txt/fig\.svg"):
        write_atomic(tmp_path / "notes.txt" / "fig.svg", "x")
    assert (tmp_path / "notes.txt").read_text() == "keep"


def test_text_that_is_not_unicode_names_the_target(tmp_path):
    with pytest.raises(ValueError, match=r"cannot write .*t\.svg: .*not valid Unicode"):
        write_atomic(tmp_path / "t.svg", "bad \udcff surrogate")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not ROOT, reason="only root can give a file to another user")
def test_root_replacing_a_users_file_keeps_its_owner(tmp_path):
    """os.replace made the new file root's: its owner could no longer write it."""
    target = tmp_path / "model.json"
    target.write_text("old")
    os.chown(target, 65534, 65534)
    write_atomic(target, "new")
    st = os.stat(target)
    assert (st.st_uid, st.st_gid) == (65534, 65534) and target.read_text() == "new"


def _as_nobody(fn) -> str:
    """Run fn() in a forked child as user nobody (when root); return what it printed."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:                                    # the child
        os.close(read)
        try:
            if ROOT:
                os.setgid(65534)
                os.setuid(65534)
            out = fn()
        except BaseException as e:                  # report everything to the parent
            out = f"{type(e).__name__}: {e}"
        os.write(write, out.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        text = f.read()
    os.waitpid(pid, 0)
    return text


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_a_read_only_file_is_refused_like_open_refuses_it():
    """A replace needs only the folder's permission: a 0444 file was silently replaced."""
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o777)
        target = Path(folder) / "locked.json"
        target.write_text("old")
        os.chmod(target, 0o444)
        if ROOT:
            os.chown(target, 65534, 65534)

        def attempt() -> str:
            write_atomic(target, "new")
            return "written"
        said = _as_nobody(attempt)
        assert said.startswith("PermissionError") and "locked.json" in said, said
        assert "read-only" in said
        assert target.read_text() == "old" and _leftovers(folder) == []
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o444
