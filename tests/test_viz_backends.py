"""Rendering: system dot, else graphviz-pure, else a clear error."""

from __future__ import annotations

import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from micrograd_ed.engine import Value
from micrograd_ed.viz import (
    Diagram,
    RendererNotFoundError,
    RenderError,
    backends,
    draw_graph,
    value_mimebundle,
)

FAKE_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><text>fake dot</text></svg>'


def small() -> Diagram:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = a * b + a
    L.label = "L"
    L.backward()
    return draw_graph(L)


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """A PATH on which there is no `dot` (nor anything else)."""
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.fixture
def no_pure(monkeypatch):
    """As if the graphviz-pure program were not installed."""
    monkeypatch.setattr(backends, "pure_executable", lambda: None)


@pytest.fixture
def fake_dot(monkeypatch, tmp_path):
    """A `dot` on PATH that writes FAKE_SVG (or fails when its input says FAIL)."""
    bin_dir = tmp_path / "fake_bin"
    bin_dir.mkdir()
    exe = bin_dir / "dot"
    exe.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "src = sys.stdin.read()\n"
        "if 'FAIL' in src:\n"
        "    sys.stderr.write('Error: syntax error in line 1')\n"
        "    sys.exit(1)\n"
        f"sys.stdout.write({FAKE_SVG!r} if sys.argv[1] == '-Tsvg' else 'PNGDATA')\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    return exe


# ------------------------------------------------------------- backends
def test_renders_with_no_system_dot(no_dot):
    assert backends.choose() == "pure"              # graphviz-pure is a dependency
    svg = small().svg()
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "data 2" in svg


def test_png_with_graphviz_pure(no_dot, tmp_path):
    png = small().save(tmp_path / "g.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_graphviz_pure_refuses_broken_dot_clearly(no_dot):
    with pytest.raises(RenderError, match="syntax error"):
        Diagram("digraph { a -> }").svg()


def test_system_dot_comes_first(fake_dot):
    assert backends.choose() == "dot"
    assert small().svg() == FAKE_SVG


def test_a_failing_dot_is_reported_with_its_message(fake_dot):
    with pytest.raises(RenderError, match="syntax error"):
        Diagram("digraph { FAIL }").svg()


def test_no_renderer_says_how_to_get_one(no_dot, no_pure, tmp_path):
    d = small()
    with pytest.raises(RendererNotFoundError) as e:
        d.svg()
    assert "pip install graphviz-pure" in str(e.value) and "apt install graphviz" in str(e.value)
    assert d.source.startswith("digraph")              # the DOT text needs no renderer
    assert d._repr_svg_() is None
    bundle = d._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "not drawn" in bundle["text/plain"]
    d.save(tmp_path / "still.dot")                      # .dot needs no renderer either


def test_unknown_backend_name():
    with pytest.raises(ValueError, match="unknown backend"):
        backends.choose("cairo")


def test_forcing_dot_without_dot(no_dot):
    with pytest.raises(RendererNotFoundError, match="no `dot`"):
        small().svg(backend="dot")


# ---------------------------------------------------------------- save
def test_save_picks_the_format_from_the_suffix(no_dot, tmp_path):
    d = small()
    assert d.save(tmp_path / "g.dot").read_text(encoding="utf-8") == d.source
    assert d.save(tmp_path / "g.gv").read_text(encoding="utf-8") == d.source
    ET.fromstring(d.save(tmp_path / "g.svg").read_bytes())
    assert oct((tmp_path / "g.svg").stat().st_mode & 0o777) == oct(0o644)


def test_png_needs_dot_or_graphviz_pure(no_dot, no_pure, tmp_path):
    with pytest.raises(RendererNotFoundError, match="pip install graphviz-pure"):
        small().save(tmp_path / "g.png")
    assert list(tmp_path.glob("g.png*")) == []


def test_png_with_system_dot(fake_dot, tmp_path):
    assert small().save(tmp_path / "g.png").read_bytes() == b"PNGDATA"


def test_unknown_suffix_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"unknown suffix '\.jpg'.*\.svg.*\.pdf"):
        small().save(tmp_path / "g.jpg")
    with pytest.raises(ValueError, match="none"):
        small().save(tmp_path / "g")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        small().save(tmp_path / "nowhere" / "g.dot")


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "g.dot"
    target.write_text("old")

    def fail(src, dst):
        assert Path(src).read_text() == "digraph { a }"     # fully written before the rename
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        Diagram("digraph { a }").save(target)
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["g.dot"]


def test_a_failed_render_writes_nothing(tmp_path):
    with pytest.raises(RenderError):
        Diagram("digraph { a -> }").save(tmp_path / "bad.svg")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------- Jupyter
def test_value_shows_as_its_graph_when_small(no_dot):
    a = Value(2.0, label="a")
    y = a * a
    y.backward()
    bundle = value_mimebundle(y)
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    ET.fromstring(bundle["image/svg+xml"])
    assert bundle["text/plain"] == repr(y)
    assert y._repr_mimebundle_() == bundle          # the engine delegates to viz


def test_large_value_shows_its_repr_and_a_hint():
    v = Value(0.0)
    for i in range(40):
        v = v + Value(float(i))
    bundle = value_mimebundle(v)
    assert list(bundle) == ["text/plain"]
    assert bundle["text/plain"].startswith(repr(v))
    assert "collapse=True" in bundle["text/plain"] and "max_nodes=" in bundle["text/plain"]


def test_diagram_repr_and_mimebundle(no_dot):
    d = small()
    assert "graph of 'L'" in repr(d)
    bundle = d._repr_mimebundle_()                    # fitted to the page width by default
    assert d.svg() == d._repr_svg_()
    assert bundle["image/svg+xml"].replace('width="100%"', "") != d.svg()
    assert re.search(r'<svg width="100%" style="max-width:[\d.]+pt;height:auto"',
                     bundle["image/svg+xml"])
    bundle, metadata = d.natural()._repr_mimebundle_()
    assert bundle["image/svg+xml"] == d.svg()
    assert metadata == {"image/svg+xml": {"unconfined": True}}  # natural size: wide ones scroll


def test_paths_are_accepted_as_str(tmp_path):
    out = small().save(str(tmp_path / "s.dot"))
    assert isinstance(out, Path) and out.exists()
