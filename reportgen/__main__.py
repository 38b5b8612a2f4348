"""`python -m reportgen` is the `reportgen` command."""

from reportgen.cli import app

app(prog_name="reportgen")
