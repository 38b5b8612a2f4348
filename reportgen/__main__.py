"""`python -m reportgen` is the `reportgen` command."""

from reportgen.cli import app

if __name__ == "__main__":  # not when imported
    app(prog_name="reportgen")
