"""One name per node on the step player's page, and every name explained there (issue 23:
"one graph calls a node '(a × b) + c' in one place and '#6' in another"; "Every name that
appears on a page is explained on that page").

Before: a node without a label was "(a × b) + #2" in the captions and the paths panel while
its box showed only its numbers, and "#7" was a tag in 8-unit type beside its box.
"""

from __future__ import annotations

import re

import pytest
from test_steps_wording import xor_loss  # the demo's step-through (its dot nodes are #k)

from micrograd_ed import Value
from micrograd_ed.viz import step_through


def readme_graph() -> Value:
    """README's "Draw your own engine" graph, step_through(L, labels={"a": a, "b": b}):
    c and f have no label, nor has any op result."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0), Value(-2.0)
    L = (a * b + c) * f + a * a
    L.backward()
    return L


def twice() -> Value:
    """The same formula computed twice: two nodes that must not share a name."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = (a * b) * (a * b + 1.0)
    L.backward()
    return L


def reused() -> Value:
    """An unlabelled value used by ops far apart: draw_graph draws it again beside each use
    (the copies said "value" while the captions said "#0")."""
    a, x = Value(2.0), Value(0.5, label="x")
    v = x
    for _ in range(4):
        v = (v * a).tanh()
    L = v + a
    L.backward()
    return L


GRAPHS = {"readme": readme_graph, "twice": twice, "xor": xor_loss, "reused": reused}

# the node a step is about, named as the caption names it
CAPTION_NAME = [
    re.compile(r"^Forward: (?P<name>.+?) = "),
    re.compile(r"^Backward pass: start at the output, grad (?P<name>.+?) = \u2202"),
    re.compile(r"^Backward: grad (?P<name>.+?) \+= \("),
]


def unwrap(name: str) -> str:
    """A name as the captions write it inside a formula, without its outer parentheses."""
    if name.startswith("(") and name.endswith(")"):
        depth = 0
        for n, ch in enumerate(name):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0 and n < len(name) - 1:
                return name                     # "(a) + (b)": the parentheses are not outer
        return name[1:-1]
    return name


@pytest.fixture(params=[(g, "notebook") for g in sorted(GRAPHS)] + [("readme", "slide")],
                ids=lambda p: "-".join(p))
def player(request, tmp_path, browser_page):
    graph, theme = request.param
    steps = step_through(GRAPHS[graph](), theme=theme)
    path = steps.save(tmp_path / "steps.html")
    browser_page.emulate_media(reduced_motion="reduce")
    browser_page.goto(path.as_uri())
    return browser_page, steps


def box_names(page) -> dict[int, dict]:
    """node -> what its box shows: the name on its first line (the slide theme writes
    "name = value" there), the hover title, its label if any."""
    boxes = {int(k): v for k, v in page.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll('#graph [data-node]')].map(g => [g.dataset.node, {
          first: g.querySelector('text').textContent,
          title: g.querySelector('title').textContent,
          label: g.getAttribute('data-label')}]))""").items()}
    if page.evaluate("document.getElementById('player').classList.contains('theme-slide')"):
        for box in boxes.values():
            assert " = " in box["first"], box
            box["first"] = box["first"].rsplit(" = ", 1)[0]
    return boxes


def test_every_step_names_its_node_as_its_box_and_the_panel_do(player):
    page, steps = player
    boxes = box_names(page)
    assert len(boxes) == len(steps.nodes)
    seen = 0
    for k in range(len(steps)):
        page.evaluate(f"window.mgSteps.go({k})")
        caption = page.inner_text("#caption")
        n = steps.views()[k]["n"]
        first = caption.split("\n")[0]
        match = next((m for m in (p.match(first) for p in CAPTION_NAME) if m), None)
        if n is None or match is None:
            continue
        said = unwrap(match["name"])
        box = boxes[n]
        assert box["first"] == said, f"step {k + 1}: caption says {said!r}, box {box}"
        assert box["title"] == said
        current = page.eval_on_selector_all("#graph .mg-value.mg-current",
                                            "gs => gs.map(g => g.dataset.node)")
        assert current == [str(n)], f"step {k + 1}"
        seen += 1
    assert seen >= len(steps) - 2                   # all but the first and the last step
    for n, box in boxes.items():                    # the paths panel, for every box
        page.evaluate(f"window.mgSteps.showPaths({n})")
        head = page.inner_text("#paths-head")
        assert head.startswith(f"Paths from {box['first']} to "), (head, box)
    names = [b["first"] for b in boxes.values()]
    assert len(set(names)) == len(names), names     # one node, one name; one name, one node
    ghosts = page.evaluate("""() => [...document.querySelectorAll('#graph [data-ghost]')]
        .map(g => [g.dataset.ghost, g.querySelector('text').textContent])""")
    for n, first in ghosts:                         # a value drawn again beside a use
        assert first == boxes[int(n)]["first"] or first.startswith(boxes[int(n)]["first"]
                                                                   + " = "), (n, first)


def test_every_name_that_is_not_a_label_is_explained_on_the_page(player):
    page, steps = player
    boxes = box_names(page)
    unlabelled = [b["first"] for b in boxes.values() if b["label"] is None]
    text = page.inner_text(".mg-hint")
    if not unlabelled:
        assert "Names:" not in text
        return
    explained = page.inner_text("#names")
    assert explained in text
    for name in unlabelled:
        assert name in explained, (name, explained)
    tags = set(re.findall(r"#\d+", page.inner_text("body")))
    assert tags <= {n for n in unlabelled if n.startswith("#")}     # no #k without a box
    if tags:
        assert "#k is the value's place k in the order of computation" in explained
