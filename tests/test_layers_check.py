"""check_layer_backward: a right answer passes, each typical matrix-form mistake is caught with
its hint, a blank fails with a sentence, a hang is stopped, and verdicts never change."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

from micrograd_ed.layers import LayerCheckReport, check_layer_backward
from micrograd_ed.layers.check import graded_nets
from micrograd_ed.layers.costs import cost_of
from micrograd_ed.layers.mistakes import recognise


def learner(mistake: str | None = None, hidden: str = "tanh", loss: str = "cross_entropy"):
    """A learner's backprop for a net of `hidden` layers and a linear output, with one mistake.

    Written the way a learner writes it: a forward loop keeping every a, δ^L, then the layers
    from the top down.
    """
    def slope(a):
        if mistake == "sigma_prime_of_a":
            a = np.tanh(a) if hidden == "tanh" else 1 / (1 + np.exp(-a))
        return 1 - a**2 if hidden == "tanh" else a * (1 - a)

    def backprop(Ws, bs, X, y):
        acts, a = [X], X
        for i, (W, b) in enumerate(zip(Ws, bs)):
            z = a @ W.T + b
            if i < len(Ws) - 1:
                a = np.tanh(z) if hidden == "tanh" else 1 / (1 + np.exp(-z))
            else:
                a = z
            acts.append(a)
        B = X.shape[0]
        if loss == "cross_entropy":
            p = a if mistake == "no_softmax" else np.exp(a - a.max(axis=1, keepdims=True))
            if mistake != "no_softmax":
                p = p / p.sum(axis=1, keepdims=True)
            delta = p.copy()
            delta[np.arange(B), y] -= 1
        else:                                   # the quadratic cost: 1/(2B) Σ ||a - y||²
            delta = a - y
        if mistake != "summed":
            delta = delta / B
        if mistake == "sign":
            delta = -delta
        dWs, dbs = [None] * len(Ws), [None] * len(Ws)
        for i in range(len(Ws) - 1, -1, -1):
            if mistake == "transposed":
                dWs[i] = acts[i].T @ delta
            elif mistake == "star":
                dWs[i] = delta.T * acts[i]
            else:
                dWs[i] = delta.T @ acts[i]
            if mistake == "averaged_twice":
                dbs[i] = delta.mean(axis=0)
            elif mistake == "wrong_axis":
                dbs[i] = delta.sum(axis=1)
            else:
                dbs[i] = delta.sum(axis=0)
            if i > 0:
                if mistake == "no_sigma_prime":
                    delta = delta @ Ws[i]
                elif mistake == "delta_transposed":
                    delta = (delta @ Ws[i].T) * slope(acts[i])
                else:
                    delta = (delta @ Ws[i]) * slope(acts[i])
        return dWs, dbs
    backprop.__name__ = f"backprop_{mistake or 'right'}"
    return backprop


def test_the_right_answer_passes_every_graded_net():
    report = check_layer_backward(learner())
    assert report.ok and bool(report)
    assert [c.ok for c in report.cases] == [True] * 4
    assert report.sentence == ("backprop_right: all 4 graded nets right (every dW and db agrees "
                               "with layer_backprop).")
    assert "the digit network, 784-16-16-10, batch of 8" in str(report)
    assert report.hint == "" and report.first_failure is None


def test_the_right_answer_passes_nielsens_setup_too():
    """Sigmoid layers and the quadratic cost: the chapter 2 network (linear output here)."""
    report = check_layer_backward(learner(hidden="sigmoid", loss="quadratic_cost"),
                                  activation="sigmoid", loss="quadratic_cost")
    assert report.ok, str(report)
    wrong = check_layer_backward(learner(hidden="sigmoid", loss="quadratic_cost"),
                                 activation="sigmoid", loss="mse")
    assert not wrong.ok and "B times" not in wrong.hint        # a factor 2, not B


MISTAKES = {
    # mistake: (the first failing net, words in its message, words in its hint)
    "transposed": ("one sample, 3-4-2", "dW of layer 1 has shape (4, 2), expected (2, 4)",
                   "transposed"),
    "summed": ("batch of 5, 3-4-2", "is dW of layer 1", "B times too large"),
    "averaged_twice": ("batch of 5, 3-4-2", "is db of layer 1", "B times too small"),
    "no_sigma_prime": ("one sample, 3-4-2", "is dW of layer 0", "missing its σ'(z)"),
    "sigma_prime_of_a": ("one sample, 3-4-2", "is dW of layer 0", "at the activation a"),
    "no_softmax": ("one sample, 3-4-2", "is dW of layer 1", "softmax of the output layer"),
    "sign": ("one sample, 3-4-2", "is dW of layer 1", "wrong sign"),
    "star": ("batch of 5, 3-4-2", "operands could not be broadcast", "`*` multiplies entry"),
    "delta_transposed": ("one sample, 3-4-2", "matmul", "a .T is missing or one too many"),
    "wrong_axis": ("one sample, 3-4-2", "db of layer 1 has shape (1,), expected (2,)",
                   "sum delta over the samples"),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_each_typical_mistake_is_caught_with_its_hint(mistake):
    report = check_layer_backward(learner(mistake))
    case, words, hint = MISTAKES[mistake]
    assert not report.ok
    first = report.first_failure
    assert first.name == case, str(report)
    assert words in first.message, str(report)
    assert hint in report.hint, str(report)
    text = str(report)
    assert "Traceback" not in text and f"hint: {report.hint[:30]}" in text


def test_the_first_wrong_layer_and_entry_are_named():
    report = check_layer_backward(learner("no_sigma_prime"))
    first = report.first_failure
    assert (first.layer, first.array) == (0, "dW")
    assert first.expected != first.got and len(first.entry) == 2
    assert report.sentence.startswith("backprop_no_sigma_prime: one sample, 3-4-2: the first "
                                      "wrong array (output layer first) is dW of layer 0: dW[")


def test_a_transposed_square_dw_is_recognised_by_its_numbers():
    """The 5x5 layer of the 4-5-5-3 net: a transposed dW has the right shape, wrong numbers."""
    cost = cost_of("cross_entropy")
    net = graded_nets("tanh", "linear", cost)[2]
    bp = net.expected
    assert bp[1].W.shape == (5, 5)
    mistake = recognise(bp, 1, "dW", bp[1].dW.T.copy(), 1e-8, 1e-6)
    assert mistake is not None and mistake.name == "transposed"
    assert recognise(bp, 1, "dW", bp[1].dW * 1.5, 1e-8, 1e-6) is None


# ------------------------------------------------------------------ blanks and bad returns
def blank_dots(Ws, bs, X, y):
    ...


def blank_raise(Ws, bs, X, y):
    raise NotImplementedError


@pytest.mark.parametrize("fn,words", [
    (blank_dots, "returned None: the exercise is not done yet"),
    (blank_raise, "raised NotImplementedError: the exercise is not done yet"),
    (lambda Ws, bs, X, y: ..., "returned Ellipsis: the exercise is not done yet"),
])
def test_a_blank_fails_with_a_sentence(fn, words):
    report = check_layer_backward(fn)
    assert not report.ok
    assert [c.ok for c in report.cases] == [False] * 4
    assert words in report.sentence
    assert report.hint


@pytest.mark.parametrize("fn,words", [
    (lambda Ws, bs, X, y: (Ws,), "not a pair (dWs, dbs)"),
    (lambda Ws, bs, X, y: (Ws[:1], bs), "dWs has 1 entries, but the net has 2 layers"),
    (lambda Ws, bs, X, y: (Ws, ["x"] * len(bs)), "dbs[0] is 'x', not an array of numbers"),
    (lambda Ws, bs, X, y: ([W * np.nan for W in Ws], bs), "dWs[0] holds nan"),
    (lambda Ws, bs, X, y: (Ws, 3), "dbs is 3, not a list of 2 arrays"),
    (lambda Ws, bs, X, y: 1 / 0, "raised ZeroDivisionError"),
    (lambda Ws, bs, X, y: sys.exit(1), "raised SystemExit"),
])
def test_bad_returns_and_errors_are_sentences(fn, words):
    report = check_layer_backward(fn)
    assert not report.ok and words in report.sentence, report.sentence
    assert "Traceback" not in str(report)


def test_an_error_names_the_learners_line():
    def broken(Ws, bs, X, y):
        z = X @ Ws[0]          # a missing .T
        return z

    report = check_layer_backward(broken)
    assert "line" in report.first_failure.short
    assert "z = X @ Ws[0]" in report.first_failure.message
    assert "shapes here (B = 1): X 1 x 3; W_0 4 x 3" in report.first_failure.detail


# ------------------------------------------------------------------ time and determinism
def test_a_hang_is_stopped_with_a_sentence_naming_the_case_and_budget():
    def hangs(Ws, bs, X, y):
        while True:
            try:
                pass
            except Exception:          # a learner's catch-all does not swallow the stop
                pass

    before = threading.active_count()
    report = check_layer_backward(hangs, budget=0.3)
    first = report.first_failure
    assert first.name == "one sample, 3-4-2"
    assert first.message == "did not finish within its budget of 0.3 s and was stopped"
    assert report.sentence == ("hangs: one sample, 3-4-2: did not finish within its budget "
                               "of 0.3 s and was stopped")
    assert [c.run for c in report.cases] == [True, False, False, False]
    assert "ran out of time" in str(report)
    assert threading.active_count() == before          # the worker really stopped


def test_a_hang_in_another_thread_is_stopped_too():
    """Off the main thread (no SIGALRM there) the checker's budget reads the clock at each
    line of the learner's code (check/budget.py, the same runner check_engine uses)."""
    def hangs(Ws, bs, X, y):
        while True:
            pass

    box = []
    t = threading.Thread(target=lambda: box.append(check_layer_backward(hangs, budget=0.2)))
    t.start()
    t.join(30)
    assert not t.is_alive() and box
    assert box[0].first_failure.message == ("did not finish within its budget of 0.2 s and "
                                            "was stopped")


def test_a_function_that_answers_differently_each_call_is_named():
    calls = []
    right = learner()

    def drifts(Ws, bs, X, y):
        calls.append(1)
        dWs, dbs = right(Ws, bs, X, y)
        if len(calls) % 2 == 0:
            dbs = [db + 1e-3 for db in dbs]
        return dWs, dbs

    report = check_layer_backward(drifts)
    assert report.first_failure.message == ("gave different db of layer 0 on two runs with the "
                                            "same inputs")


def test_the_same_verdict_every_run():
    texts = {str(check_layer_backward(learner("no_sigma_prime"))) for _ in range(3)}
    assert len(texts) == 1
    texts = {str(check_layer_backward(learner())) for _ in range(3)}
    assert len(texts) == 1


def test_the_learner_gets_fresh_copies():
    def scribbles(Ws, bs, X, y):
        out = learner()(Ws, bs, X, y)
        for W in Ws:
            W[:] = 0.0
        X[:] = 0.0
        return out

    assert check_layer_backward(scribbles).ok


# ------------------------------------------------------------------ the report
def test_report_renders_as_markdown_and_text():
    report = check_layer_backward(learner("summed"))
    assert isinstance(report, LayerCheckReport)
    md = report._repr_markdown_()
    assert md.startswith("**check_layer_backward(`backprop_summed`)**: 1 of 4 graded nets")
    assert "| ✓ | one sample, 3-4-2 | right |" in md
    assert "| ✗ | batch of 5, 3-4-2 | dW of layer 1 is wrong |" in md
    assert "**Hint:** every number is B times too large" in md
    bundle = report._repr_mimebundle_()
    assert bundle["text/plain"] == str(report)


@pytest.mark.parametrize("kwargs,words", [
    ({"budget": 0}, "budget must be a number of seconds > 0"),
    ({"activation": "softsign"}, "unknown activation"),
    ({"loss": "bce"}, "binary_cross_entropy needs probabilities"),
])
def test_bad_settings_get_errors(kwargs, words):
    with pytest.raises(ValueError, match=words):
        check_layer_backward(learner(), **kwargs)
    with pytest.raises(TypeError, match="expects a function"):
        check_layer_backward("backprop")


def test_float32_arithmetic_gets_a_hint():
    right = learner()

    def single(Ws, bs, X, y):
        Ws = [W.astype(np.float16) for W in Ws]
        bs = [b.astype(np.float16) for b in bs]
        return right(Ws, bs, X.astype(np.float16), y)

    report = check_layer_backward(single)
    assert not report.ok
    assert "float32 (or float16)" in report.hint


def test_a_column_db_gets_its_hint():
    right = learner()

    def columns(Ws, bs, X, y):
        dWs, dbs = right(Ws, bs, X, y)
        return dWs, [db.reshape(-1, 1) for db in dbs]

    report = check_layer_backward(columns)
    assert report.first_failure.message == "db of layer 1 has shape (2, 1), expected (2,)"
    assert "db came out as a column" in report.hint


def test_the_hint_writes_delta_for_the_checked_loss():
    summed = check_layer_backward(learner("summed", hidden="sigmoid", loss="quadratic_cost"),
                                  activation="sigmoid", loss="quadratic_cost")
    assert "B times too large" in summed.hint
    assert "delta_L = (a_L - y) * sigma_prime(z_L) / B" in summed.hint
    ce = check_layer_backward(learner("summed"))
    assert "delta_L = (softmax(z_L) - onehot(y)) / B" in ce.hint
