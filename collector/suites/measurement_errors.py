"""Which exceptions mean "this measurement failed" (recorded as an ok=false row) rather than "stop the run".

Ctrl-C and SIGTERM (the runner's `Interrupted`) are deliberately not in the
list: a suite that catches these must still let an interrupt through.
"""

from __future__ import annotations

import subprocess

from collector.platforms import StartFailed


def _docker_errors() -> tuple[type[BaseException], ...]:
    try:
        from docker.errors import DockerException
    except ImportError:  # pragma: no cover - docker is a dependency of the package
        return ()
    return (DockerException,)


MEASUREMENT_ERRORS: tuple[type[BaseException], ...] = (
    StartFailed, OSError, RuntimeError, ValueError, KeyError, subprocess.SubprocessError, *_docker_errors(),
)


def one_line(exc: BaseException) -> str:
    """The error text for a failed row: StartFailed as is, others with their type."""
    if isinstance(exc, StartFailed):
        return str(exc)
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}".rstrip(": ")
