"""`python -m reportgen` is the `reportgen` command."""

from reportgen.cli import app

if __name__ == "__main__":  # not when a spawned PDF worker imports this module as __mp_main__
    app(prog_name="reportgen")
