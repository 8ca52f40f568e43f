"""Names of other engines' attributes: given, found, or refused with a sentence."""

from __future__ import annotations

import pytest

from micrograd_ed.foreign import Names, NamesError, detect


class Micrograd:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def backward(self):
        pass


class Spelled:
    def __init__(self, value):
        self.value = value
        self.grade = 0.0
        self._children = ()
        self._local_grads = ()

    def backwardpropagation(self):
        pass


def test_micrograd_itself_needs_nothing_said():
    names, notes = detect(Micrograd)
    assert names == Names(label=None)           # micrograd 0.1.0's nodes have no labels
    assert notes == []


def test_other_spellings_are_found_and_said():
    names, notes = detect(Spelled(1.0))
    assert (names.data, names.grad, names.backward) == ("value", "grade", "backwardpropagation")
    assert names.parents == "_children" and names.local_grads == "_local_grads"
    assert "grad is .grade" in notes and names.op is None
    assert any(n.startswith("no op found") for n in notes)
    assert "local derivatives in ._local_grads" in names.describe()


def test_given_names_win_and_a_wrong_one_is_named():
    names, _ = detect(Spelled, grad="grade", data="value")
    assert names.grad == "grade"
    with pytest.raises(NamesError, match=r"Spelled has no \.gradient \(given as grad"):
        detect(Spelled, grad="gradient")
    with pytest.raises(TypeError, match="unknown name"):
        detect(Spelled, gard="grade")


def test_a_node_without_a_gradient_is_refused_with_what_was_tried():
    class Bare:
        def __init__(self):
            self.data = 1.0

        def backward(self):
            pass

    with pytest.raises(NamesError, match=r"found no grad attribute \(tried grad, grade"):
        detect(Bare())
