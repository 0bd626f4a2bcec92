"""Visual tools for the notebooks: graphviz graphs, matplotlib plots, ipywidgets inspectors.

Unlike the core of the package, these modules import third-party libraries (the `notebooks` extra).
"""
