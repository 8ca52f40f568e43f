"""Teaching tools built on the engine and the pictures (the checker is micrograd_ed.check).

    expr.py              expressions typed by a person, parsed safely into a graph
    worked_example.py    the lecture's chain-rule example, L = (a*b + c) * f
    op_checks.py         gradient checks of every engine op (``micrograd-ed gradcheck``)
    worksheet.py         backprop worksheets with answer keys; worksheet_levels.py: the levels
"""
