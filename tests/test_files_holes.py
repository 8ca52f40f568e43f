"""write_atomic against the cases a plain open(path, "w") handles and a naive atomic write does not.

Each test is a hole found by trying: a symlink loop, a name near the length limit, a
trailing slash, a path through a file, a read-only file, a file owned by someone else
(written by root), text that is not valid Unicode.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
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


def _as_nobody(code: str) -> str:
    """Run Python `code` in a new process as user nobody (when root); what it printed.

    A new process (subprocess: fork + exec at once), never os.fork of this one: the test
    process has threads, and forking it may deadlock the child (3.12+ warns). The child
    starts as us, loads micrograd_ed.files and writes once (so every module it needs is
    loaded while it may still read this Python's files), then becomes nobody and runs `code`.
    """
    drop = ("import os, tempfile\n"
            "from micrograd_ed.files import write_atomic\n"
            "with tempfile.TemporaryDirectory() as d:\n"
            "    write_atomic(os.path.join(d, 'warm.json'), 'x')\n")
    if ROOT:
        drop += "os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, "-c", drop + code], capture_output=True, text=True,
                          cwd="/", env=env, timeout=120)
    return done.stdout + done.stderr


ATTEMPT = """
from micrograd_ed.files import write_atomic
try:
    write_atomic({target!r}, "new")
    print("written")
except BaseException as e:
    print(f"{{type(e).__name__}}: {{e}}")
"""


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_read_only_file_is_refused_like_open_refuses_it():
    """A replace needs only the folder's permission: a 0444 file was silently replaced."""
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o777)
        target = Path(folder) / "locked.json"
        target.write_text("old")
        os.chmod(target, 0o444)
        if ROOT:
            os.chown(target, 65534, 65534)

        said = _as_nobody(ATTEMPT.format(target=str(target)))
        assert said.startswith("PermissionError") and "locked.json" in said, said
        assert "read-only" in said
        assert target.read_text() == "old" and _leftovers(folder) == []
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o444


def test_running_as_another_user_does_not_fork_this_threaded_process():
    """Python 3.12+ warns (DeprecationWarning) when a process with threads calls os.fork:
    the child may deadlock. The suite has threads (Playwright, tqdm), so the check above runs
    its child as a new process instead of a fork."""
    import threading
    import warnings

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            said = _as_nobody("print('ran')")
    finally:
        stop.set()
        thread.join()
    assert said.strip() == "ran"
    assert [str(w.message) for w in caught if "fork" in str(w.message)] == []
