"""write_atomic: whole or nothing, through links, never over a non-regular file, umask."""

import os
import stat

import pytest

from micrograd_ed.files.atomic import NotARegularFileError, write_atomic


def _leftovers(folder):
    return [p for p in os.listdir(folder) if p.endswith(".tmp")]


def test_new_file_gets_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "m.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "m.json").st_mode) == 0o640
    assert (tmp_path / "m.json").read_text() == "{}"


def test_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "fig.svg"
    target.write_text("old")
    os.chmod(target, 0o600)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_symlink_is_written_through(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert write_atomic(link, "new") == real
    assert link.is_symlink() and real.read_text() == "new"


def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    write_atomic(link, "x")
    assert link.is_symlink() and (tmp_path / "later.json").read_text() == "x"


def test_fifo_and_device_are_refused_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFileError, match="FIFO"):
        write_atomic(fifo, "x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(NotARegularFileError, match="/dev/null.*character device"):
        write_atomic("/dev/null", "x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    with pytest.raises(NotARegularFileError, match="folder"):
        write_atomic(tmp_path, "x")
    assert _leftovers(tmp_path) == []


def test_missing_folder_names_the_target(tmp_path):
    with pytest.raises(FileNotFoundError, match="no/such/m.json.*does not exist"):
        write_atomic(tmp_path / "no" / "such" / "m.json", "x")


def test_failure_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "m.json"
    target.write_text("old")

    def full_disk(fd, *a):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match=r"cannot write .*m\.json: No space left on device"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_paused_gc_nests_and_restores():
    import gc

    from micrograd_ed.engine.memory import paused_gc

    assert gc.isenabled()
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
