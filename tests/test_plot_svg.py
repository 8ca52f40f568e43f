"""The dependency-free SVG line plot used for loss curves."""

from __future__ import annotations

import math
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from micrograd_ed.plot_svg import line_plot, nice_ticks, save_svg, tick_label

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_svg_is_xml_with_title_labels_ticks_and_one_line_per_series():
    svg = line_plot({"train": [0.7, 0.5, 0.3, 0.2], "val": [0.8, 0.6, 0.5, 0.45]},
                    title="Loss <XOR> & co", xlabel="epoch", ylabel="loss")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    texts = _texts(svg)
    assert "Loss <XOR> & co" in texts                  # escaped in the file, intact in XML
    assert {"epoch", "loss", "train", "val"} <= set(texts)
    assert {"0.2", "0.4", "0.6", "0.8"} <= set(texts)  # y ticks
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert all(len(p.get("points").split()) == 4 for p in lines)


def test_points_land_inside_the_axes_and_y_grows_upwards():
    svg = line_plot([1.0, 3.0, 2.0], width=400, height=300)
    pts = [tuple(map(float, p.split(",")))
           for p in next(ET.fromstring(svg).iter(f"{SVG}polyline")).get("points").split()]
    xs, ys = zip(*pts)
    assert list(xs) == sorted(xs)
    assert all(0 < x < 400 for x in xs) and all(0 < y < 300 for y in ys)
    assert ys[1] < ys[2] < ys[0]                       # 3 is highest, then 2, then 1


def test_output_is_deterministic_across_processes():
    code = ("from micrograd_ed.plot_svg import line_plot; "
            "print(line_plot({'loss': [0.69, 0.5, 0.31, 0.1, 0.05]}, title='t'), end='')")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1] == line_plot({"loss": [0.69, 0.5, 0.31, 0.1, 0.05]}, title="t")


def test_nan_breaks_the_line_and_a_lone_point_is_a_dot():
    svg = line_plot([1.0, 2.0, math.nan, 3.0, math.inf, 2.0, 1.0])
    root = ET.fromstring(svg)
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 1


def test_constant_series_and_single_point_still_draw():
    ET.fromstring(line_plot([0.5, 0.5, 0.5]))
    ET.fromstring(line_plot([0.5]))


def test_log_scale_ticks_are_powers_of_ten():
    svg = line_plot([1.0, 0.1, 0.01, 0.001], log_y=True)
    assert {"0.001", "0.01", "0.1", "1"} <= set(_texts(svg))


@pytest.mark.parametrize("series, match", [
    ({}, "nothing to plot"), ([], "nothing to plot"), ([math.nan], "no finite"),
])
def test_bad_input_is_refused(series, match):
    with pytest.raises(ValueError, match=match):
        line_plot(series)


def test_log_scale_needs_positive_values():
    with pytest.raises(ValueError, match="positive"):
        line_plot([1.0, 0.0], log_y=True)


@pytest.mark.parametrize("lo, hi, expected", [
    (0.01, 0.69, [0.0, 0.2, 0.4, 0.6, 0.8]),
    (1, 500, [0, 100, 200, 300, 400, 500]),
    (-2, 7, [-2, 0, 2, 4, 6, 8]),
])
def test_nice_ticks(lo, hi, expected):
    assert nice_ticks(lo, hi) == expected


def test_tick_labels_have_the_decimals_the_step_needs():
    ticks = [0.0, 0.25, 0.5, 0.75]
    assert [tick_label(t, ticks) for t in ticks] == ["0", "0.25", "0.50", "0.75"]
    assert tick_label(2e-6, [1e-6, 2e-6]) == "2e-6"


def test_save_is_atomic_and_refuses_a_missing_folder(tmp_path):
    path = save_svg(tmp_path / "loss.svg", line_plot([1.0, 2.0]))
    assert path.read_text().startswith("<svg")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save_svg(tmp_path / "missing" / "loss.svg", line_plot([1.0]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss.svg"]
