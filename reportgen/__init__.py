"""vmcbench reportgen: turns datasets into a bilingual report, handout, slides and site."""

__version__ = "0.1.0"
