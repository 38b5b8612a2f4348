"""`python -m reportgen` is the `reportgen` command."""

from .cli import app

app(prog_name="reportgen")
