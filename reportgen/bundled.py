"""Where the bundled theme and site folder are: inside the installed package, else the clone's top level.

A wheel carries `templates/` and `site/` as `reportgen/_bundled/` (setup.py);
a clone (or an editable install) has them beside `reportgen/`. Both lookups
are here so no module builds a path from its own location.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """The folder `name` (`templates` or `site`) reportgen uses by default."""
    installed = PACKAGE_DIR / "_bundled" / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name
