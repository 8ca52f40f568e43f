"""viz.training.plots: matplotlib figures with deterministic bytes (what plot_svg checked)."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from micrograd_ed.viz.training import plots
from micrograd_ed.viz.training.plots import line_plot, render, save

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(fig) -> str:
    return render(fig, "svg").decode("utf-8")


def texts(svg: str) -> list[str]:
    """The text drawn: matplotlib writes each text's string as a comment before its glyphs."""
    return [t.strip() for t in re.findall(r"<!-- (.*?) -->", svg)]


def line_points(svg: str, gid: str) -> list[list[tuple[float, float]]]:
    """The runs (sub-paths) of the line with id `gid`, as SVG pixel coordinates."""
    root = ET.fromstring(svg)
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == gid)
    d = next(group.iter(f"{SVG}path")).get("d")
    runs: list[list[tuple[float, float]]] = []
    for cmd, x, y in re.findall(r"([ML])\s*([-\d.]+)\s+([-\d.]+)", d):
        if cmd == "M":
            runs.append([])
        runs[-1].append((float(x), float(y)))
    return runs


def test_svg_is_xml_with_title_labels_ticks_legend_and_one_line_per_series():
    svg = svg_of(line_plot({"train": [0.7, 0.5, 0.3, 0.2], "val": [0.8, 0.6, 0.5, 0.45]},
                           title="Loss <XOR> & co", xlabel="epoch", ylabel="loss"))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    words = texts(svg)
    assert "Loss &lt;XOR&gt; &amp; co" in words          # escaped in the file
    assert {"epoch", "loss", "train", "val"} <= set(words)
    assert {"0.2", "0.4", "0.6", "0.8"} <= set(words)        # y ticks
    assert {"1", "2", "3", "4"} <= set(words)                # integer epochs on x
    assert [len(run) for run in line_points(svg, "line0")] == [4]
    assert [len(run) for run in line_points(svg, "line1")] == [4]


def test_points_go_left_to_right_and_y_grows_upwards_inside_the_figure():
    svg = svg_of(line_plot([1.0, 3.0, 2.0], width=4, height=3))
    (run,) = line_points(svg, "line0")
    xs, ys = zip(*run)
    assert list(xs) == sorted(xs)
    assert all(0 < x < 4 * 72 for x in xs) and all(0 < y < 3 * 72 for y in ys)
    assert ys[1] < ys[2] < ys[0]                       # 3 is highest, then 2, then 1


def test_same_plot_same_bytes_across_processes():
    code = ("import sys; from micrograd_ed.viz.training.plots import line_plot, render; "
            "sys.stdout.buffer.write(render(line_plot({'loss': [0.69, 0.5, 0.31, 0.1]}, "
            "title='t'), 'svg'))")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True,
                           check=True).stdout for _ in range(2)]
    here = render(line_plot({"loss": [0.69, 0.5, 0.31, 0.1]}, title="t"), "svg")
    assert runs[0] == runs[1] == here
    assert b"<dc:date>" not in here and plots.HASHSALT  # no date; fixed ids


def test_pdf_and_png_are_deterministic_too():
    fig = line_plot([3.0, 2.0, 1.0])
    for fmt in ("pdf", "png"):
        assert render(fig, fmt) == render(fig, fmt)
    assert b"CreationDate" not in render(fig, "pdf")


def test_nan_breaks_the_line_and_a_lone_point_is_a_dot():
    fig = line_plot([1.0, 2.0, math.nan, 3.0, math.inf, 2.0, 1.0])
    svg = svg_of(fig)
    # a one-point sub-path draws nothing: the lone 3.0 needs its dot
    assert [len(run) for run in line_points(svg, "line0") if len(run) > 1] == [2, 2]
    dots = [line for line in fig.axes[0].lines if line.get_marker() == "o"]
    assert len(dots) == 1 and list(dots[0].get_ydata()) == [3.0]


def test_constant_series_and_single_point_still_draw():
    ET.fromstring(svg_of(line_plot([0.5, 0.5, 0.5])))
    fig = line_plot([0.5])
    ET.fromstring(svg_of(fig))
    assert any(line.get_marker() == "o" for line in fig.axes[0].lines)


def test_log_scale():
    fig = line_plot([1.0, 0.1, 0.01, 0.001], log_y=True)
    assert fig.axes[0].get_yscale() == "log"
    low, high = fig.axes[0].get_ylim()
    assert low <= 0.001 and high >= 1.0
    ET.fromstring(svg_of(fig))


@pytest.mark.parametrize("series, match", [
    ({}, "nothing to plot"), ([], "nothing to plot"), ([math.nan], "no finite"),
])
def test_bad_input_is_refused(series, match):
    with pytest.raises(ValueError, match=match):
        line_plot(series)


def test_log_scale_needs_positive_values():
    with pytest.raises(ValueError, match="positive"):
        line_plot([1.0, 0.0], log_y=True)


def test_too_few_xs_are_refused():
    with pytest.raises(ValueError, match="2 x values for a series of 3"):
        line_plot([1.0, 2.0, 3.0], xs=[1, 2])


def test_save_is_atomic_picks_the_format_and_refuses_a_missing_folder(tmp_path):
    fig = line_plot([1.0, 2.0])
    assert save(fig, tmp_path / "loss.svg").read_bytes().startswith(b"<?xml")
    assert save(fig, tmp_path / "loss.png").read_bytes().startswith(b"\x89PNG")
    assert save(fig, tmp_path / "loss.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save(fig, tmp_path / "missing" / "loss.svg")
    with pytest.raises(ValueError, match="unknown suffix '.jpg'"):
        save(fig, tmp_path / "loss.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss.pdf", "loss.png", "loss.svg"]


def test_no_pyplot_and_no_global_settings_changed():
    import matplotlib

    before = dict(matplotlib.rcParams)
    render(line_plot([1.0, 2.0]), "svg")
    assert dict(matplotlib.rcParams) == before
    code = ("import sys; from micrograd_ed.viz.training.plots import line_plot, render; "
            "render(line_plot([1.0, 2.0]), 'svg'); print('matplotlib.pyplot' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_importing_the_library_does_not_load_matplotlib():
    """matplotlib's objects would slow every training step's garbage collection."""
    import subprocess
    import sys

    code = ("import sys, micrograd_ed, micrograd_ed.viz; "
            "assert 'matplotlib' not in sys.modules; "
            "from micrograd_ed.viz import draw_training; "
            "assert 'matplotlib' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
