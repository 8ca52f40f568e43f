"""Teaching tools built on the engine and the pictures (the checker is micrograd_ed.check).

    expr.py              expressions typed by a person, parsed safely into a graph
    worked_example.py    the lecture's chain-rule example, L = (a*b + c) * f
    op_checks.py         gradient checks of every engine op (``micrograd-ed gradcheck``)
    worksheet.py         backprop worksheets with answer keys; worksheet_levels.py: the levels
    mistakes.py          the typical backprop mistakes, modelled: every one must change an answer
    handout.py           a worksheet as A4 / Letter pages, PDF and LaTeX
"""
