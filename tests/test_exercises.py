"""Every "Try it" of notebooks/, as a learner meets it: blank, solved, solved with a mistake.

For each notebook the test executes (with nbclient, as Jupyter would)

* the learner's version, ``notebooks/NN_*.ipynb``: every check cell says "Not done yet" and
  fails every part, and no cell raises;
* the solutions, ``notebooks/solutions/NN_*.ipynb``: every check passes;
* the source with one typical mistake per exercise (below, :data:`MISTAKES`): the check
  names the mistake in its hint, and gives partial credit where the exercise has several parts;
* the source with the variations the cells suggest (:data:`VARIATIONS`): every check passes.

The check cells print a :class:`micrograd_ed.check.exercises.Verdict`; the tests read its
first line ("Exercise 2.1 (...): 1 of 3 checks pass.") and its ✓/✗ lines.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "source"
NAMES = sorted(p.name for p in SOURCES.glob("*.ipynb"))
CHECK = re.compile(r"^nb\d\d\.\w+\(")
HEAD = re.compile(r"^Exercise (\d\.\d) \(.*\): (?:(\d+) of (\d+) checks pass|all (\d+) checks "
                  r"pass|its check (passes|fails))\.")


def _tool():
    spec = importlib.util.spec_from_file_location("exercises_tool", ROOT / "tools" / "exercises.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _execute(nb) -> dict[str, str]:
    """Run ``nb`` in notebooks/; the text of each check cell's output, by exercise key."""
    client = nbclient.NotebookClient(nb, timeout=900, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or not CHECK.match(cell.source):
            continue
        text = "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "")
                       for o in cell.outputs)
        assert "Traceback" not in text and not any(o.output_type == "error"
                                                   for o in cell.outputs), text
        m = HEAD.match(text)
        assert m, f"a check cell printed no verdict:\n{cell.source}\n{text}"
        found[m.group(1)] = text
    return found


def _score(text: str) -> tuple[int, int]:
    m = HEAD.match(text)
    if m.group(2):
        return int(m.group(2)), int(m.group(3))
    if m.group(4):
        return int(m.group(4)), int(m.group(4))
    return (1 if m.group(5) == "passes" else 0), 1


def _source_with(name: str, edits: list[tuple[str, str, str]]):
    """The solution version of source ``name`` after (cell marker, old, new) replacements."""
    nb = nbformat.read(SOURCES / name, as_version=4)
    for marker, old, new in edits:
        cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source
                 and not CHECK.match(c.source)]
        assert len(cells) == 1, f"{name}: {len(cells)} code cells hold {marker!r}"
        assert cells[0].source.count(old) == 1, f"{name}: {old!r} is not once in its cell"
        cells[0].source = cells[0].source.replace(old, new)
    return _tool().solution_version(nb)


def _keys(name: str) -> list[str]:
    nb = nbformat.read(SOURCES / name, as_version=4)
    return [m.group(0) for c in nb.cells if c.cell_type == "code" and CHECK.match(c.source)
            for m in [CHECK.match(c.source)]]


def test_every_notebook_with_try_it_exercises_has_a_source():
    with_exercises = sorted(
        p.name for p in NOTEBOOKS.glob("*.ipynb")
        if any(c.cell_type == "markdown" and c.source.startswith("## Try it")
               for c in nbformat.read(p, as_version=4).cells))
    assert len(NAMES) >= 8 and set(with_exercises) <= set(NAMES), \
        "a notebook with a Try it is written from notebooks/source/ by tools/exercises.py"
    for name in NAMES:
        assert _keys(name), f"{name} has no check cell"
        assert (NOTEBOOKS / "solutions" / name).exists()


def test_learner_and_solution_notebooks_are_up_to_date():
    assert _tool().main(["notebooks", "--check"]) == 0, \
        "run: python tools/exercises.py notebooks"


@pytest.mark.parametrize("name", NAMES)
def test_learner_notebook_has_no_solution_in_it(name):
    tool = _tool()
    src = nbformat.read(SOURCES / name, as_version=4)
    learner = nbformat.read(NOTEBOOKS / name, as_version=4)
    for s, c in zip(src.cells, learner.cells):
        if s.cell_type == "code" and tool.has_markers(s.source):
            solution = tool.solution_lines(s.source)
            given = set(tool.student_lines(s.source).split("\n"))
            hidden = [x for x in solution.split("\n") if x.strip() and x not in given]
            assert hidden, f"{name}: an exercise cell gives its whole solution away"
            assert not any(x in c.source.split("\n") for x in hidden)
            assert "..." in c.source or "NotImplementedError" in c.source


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_blank_exercises_fail_with_a_sentence(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    found = _execute(nb)
    assert len(found) == len(_keys(name))
    for key, text in found.items():
        passed, total = _score(text)
        assert passed == 0, f"exercise {key} passes while blank:\n{text}"
        assert "Not done yet" in text.split("\n")[1], text


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_solutions_pass_every_check(name):
    nb = nbformat.read(NOTEBOOKS / "solutions" / name, as_version=4)
    found = _execute(nb)
    assert len(found) == len(_keys(name))
    for key, text in found.items():
        passed, total = _score(text)
        assert passed == total, f"the solution of exercise {key} fails:\n{text}"


# (exercise, cell marker, the solution's text, the mistake, words of the hint, partial credit)
NB01 = "01_values_and_the_chain_rule.ipynb"
NB02 = "02_write_backward_yourself.ipynb"
NB03 = "03_gradient_checking.ipynb"
NB04 = "04_one_neuron.ipynb"
NB05 = "05_gradient_descent.ipynb"
NB06 = "06_xor_needs_a_hidden_layer.ipynb"
NB07 = "07_moons_classifier.ipynb"
NB08 = "08_digits.ipynb"
MISTAKES = {
    NB01: [[
        ("1.1", "my_prediction =", '"e"}', '"e", "f"}', "dL/df = d", False),
        ("1.2", "L2 =", "L2.backward()", "pass", "call L2.backward()", True),
        ("1.3", "my_local_e", "d.grad * my_local_c", "my_local_c",
         "multiplies it by the gradient that reaches d", True),
    ]],
    NB02: [[
        ("2.1", "def my_topological_order",
         "        if parents_done:\n            order.append(node)          # every parent is "
         "already in `order`\n        elif id(node) not in seen:\n            seen.add(id(node))\n"
         "            stack.append((node, True))  # come back to it after its parents\n"
         "            for p in node.parents:\n                stack.append((p, False))\n"
         "    return order\n",
         "        if id(node) not in seen:\n            seen.add(id(node))\n"
         "            order.append(node)               # pre-order: before its parents\n"
         "            for p in node.parents:\n                stack.append((p, False))\n"
         "    return order[::-1]\n", "reversing a list of first visits", True),
        ("2.4", "my_failing_graphs", '{"deep chain"}', '{"deep chain", "sum of"}',
         "which graph is deepest", True),
        ("2.5", "dL_dz0_y0 =", "a0 * (1 - a0) * (W1.T @ dL_dz1_y0)", "W1.T @ dL_dz1_y0",
         "slopes", True),
    ], [
        ("2.2", "def my_backward", "parent.grad += local * node.grad",
         "parent.grad = local * node.grad", "`+=`", True),
    ], [
        ("2.2", "def my_backward", "for node in reversed(order):", "for node in order:",
         "reversed(order)", False),
    ], [
        ("2.3", "class MyValue", "(1 - t * t,)", "(1 - t,)", "tanh", True),
    ]],
    NB03: [[
        ("3.1", "tiny =", "my_passes = False", "my_passes = True", "first line", True),
        ("3.2", "def my_ce", "sum(exps)", "sum(e.data for e in exps)",
         "sum of Values", True),
        ("3.3", "def central", "/ (2 * d)", "/ d", "2Δ apart", True),
    ]],
    NB04: [[
        ("4.1", "my_dL_da =", "1 / (1 - a0.data)", "-1 / (1 - a0.data)", "cancel", True),
        ("4.2", "band_new =", "4 / w_new", "1 / w_new", "4/|w|", True),
        ("4.3", "my_grads_all_zero", "my_grads_all_zero = True", "my_grads_all_zero = False",
         "flat on both sides", True),
    ]],
    NB05: [[
        ("5.1", "def converges", "cost(*path[steps // 2])", "cost(*path[0])",
         "still below the start's", True),
        ("5.2", "def cost_steep", "eta_max = 2 / 10", "eta_max = 2 / 5",
         "∂C/∂x = 10x", True),
        ("5.3", "sgd_path, sgd_seen = train", "train(1, 0.05)", "train(10, 0.05)",
         "batch_size=1", True),
    ]],
    NB06: [[
        ("6.1", "def hidden_gates", "for v in H[:, j]", "for v in H[j, :]",
         "a column of H", True),
        ("6.2", "def dead_units", "(Z <= 0)", "(Z < 0)", "z <= 0, not z < 0", True),
        ("6.3", "def per_example_grads", "        model.zero_grad()\n", "",
         "call model.zero_grad() before each example", True),
    ]],
    NB07: [[
        ("7.1", "def weight_size", "p.data**2", "abs(p.data)", "square each parameter", True),
        ("7.2", "ce_history =", "retrain(ce_model,", "retrain(model,", "pass ce_model", True),
        ("7.3", "my_count =", "4 * (2 + 1) + (4 + 1)", "4 * 2 + 4", "one bias per neuron",
         False),
        ("7.4", "noisy_new =", "X_nn, 2 * y_nn01 - 1", "X_noisy, 2 * y_noisy01 - 1",
         "measure on the 500 new points", True),
    ]],
    NB08: [[
        ("8.1", "relu_history = fit", "validation=(X_val, y_val), ", "",
         "validation=(X_val, y_val)", True),
        ("8.2", "best_so_far", "if waited == 3:", "if waited == 4:", "reaches 3", True),
        ("8.3", "my_count =", " + (32 + 32 + 10)", "", "one bias per neuron", False),
        ("8.4", "k_worst =", "wrong[np.argmax(P[wrong, pred[wrong]])]",
         "np.argmax(P[wrong, pred[wrong]])", "wrong[position]", False),
    ]],
}
MISTAKE_RUNS = [(name, k) for name, runs in MISTAKES.items() for k in range(len(runs))]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "run"), MISTAKE_RUNS)
def test_a_typical_mistake_gets_its_hint(name, run):
    mistakes = MISTAKES[name][run]
    nb = _source_with(name, [(m, old, new) for _, m, old, new, _, _ in mistakes])
    found = _execute(nb)
    for key, _, _, _, words, partial in mistakes:
        text = found[key]
        passed, total = _score(text)
        assert passed < total, f"exercise {key} passes with the mistake:\n{text}"
        hints = [x for x in re.split(r"\n\s+(?=hint: )", text) if x.startswith("hint: ")]
        assert any(words in " ".join(h.split()) for h in hints), \
            f"exercise {key}: no hint says {words!r}:\n{text}"
        if partial:
            assert passed > 0, f"exercise {key}: the mistake gets no partial credit:\n{text}"


def test_every_exercise_has_a_mistake_test():
    from micrograd_ed.check.exercises import (  # noqa: F401  (registers every check)
        nb01,
        nb02,
        nb03,
        nb04,
        nb05,
        nb06,
        nb07,
        nb08,
        registry,
    )

    covered = {m[0] for runs in MISTAKES.values() for run in runs for m in run}
    assert set(registry) == covered, f"no mistake test for {sorted(set(registry) - covered)}"


# The variations the cells suggest ("try ..."): every check still passes.
VARIATIONS = {
    NB01: [("a2, b2 =", 'Value(3.0, label="a"), Value(-1.5, label="b")',
            'Value(-2.0, label="a"), Value(0.5, label="b")')],
    NB03: [("tiny =", "eps=1e-12", "eps=1e-8"), ("tiny =", "my_passes = False",
                                                 "my_passes = True")],
    NB04: [("noise_level = 0.3", "noise_level = 0.3", "noise_level = 2.0")],
    NB05: [("def converges", "np.arange(0.600, 0.7001, 0.005)",
            "np.arange(0.600, 0.7001, 0.001)")],
    NB06: [("runs = {10: net}", "for seed in (0, 9):", "for seed in (1, 2, 3):"),
           ("relu_models = {}", "for seed in (0, 1):", "for seed in range(6):")],
    NB07: [("strong_alpha = 1e-2", "strong_alpha = 1e-2", "strong_alpha = 0"),
           ("small_sizes = [4, 1]", "small_sizes = [4, 1]", "small_sizes = [8, 1]"),
           ("my_count = 4", "4 * (2 + 1) + (4 + 1)", "8 * (2 + 1) + (8 + 1)")],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(VARIATIONS))
def test_the_variations_the_cells_suggest_pass(name):
    found = _execute(_source_with(name, VARIATIONS[name]))
    for key, text in found.items():
        passed, total = _score(text)
        assert passed == total, f"exercise {key} fails on a suggested variation:\n{text}"
