"""Ship the theme and the site folder inside the wheel, while they stay at the top of the repository.

`templates/` (jinja2 templates, CSS, fonts, vendored reveal.js) and `site/`
(site.toml, course notes) are not Python packages; build_py copies them to
`reportgen/_bundled/` in the build, where reportgen/bundled.py finds them when
reportgen is installed rather than run from a clone. Everything else is in
pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("templates", "site")


class BuildPyWithTheme(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the clone's own folders
        for name in BUNDLED:
            target = Path(self.build_lib) / "reportgen" / "_bundled" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(HERE / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithTheme})
