"""What every picture shares: DOT text, themes, colours, the legend, Graphviz backends,
the `Diagram` (SVG, PNG, PDF, Jupyter), the PDF painter and self-contained HTML pages.

    dot.py       quoting, number formats, attribute lists     themes.py  notebook, slide, print
    style.py     colour and width of a signed number          legend.py  the legend block
    estimate.py  a drawing's size before layout               reading.py numbers read off a graph
    scopes.py    which neuron a node belongs to               backends.py DOT -> SVG / PNG
    svgpost.py   finishing touches on Graphviz's SVG          diagram.py  Diagram
    pdf.py       vector PDF from Graphviz's layout            page.py     one self-contained page
"""
