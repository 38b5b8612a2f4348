"""Vega-Lite specs to SVG with vl-convert and the bundled font: a chart for the page, a chart for a slide.

Kept apart from reportgen/charts (whose package registers every chart and so
imports Altair, pandas and SciPy) so that a build's worker process, which only
renders specs it is sent, loads vl-convert and nothing else of the charts.
"""
