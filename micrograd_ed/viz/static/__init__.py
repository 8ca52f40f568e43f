"""Front-end files (CSS, JavaScript) that micrograd_ed.viz.core.page inlines into its HTML pages.

They ship as package data (see pyproject.toml) and are read with importlib.resources.
"""
