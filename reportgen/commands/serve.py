"""`reportgen serve`: the built site over HTTP on 127.0.0.1, for a preview in a browser.

Only the loopback address is bound (nothing outside this machine can reach
it), and only the files under the served folder are sent.
"""

from __future__ import annotations

import functools
import http.server
from pathlib import Path
from typing import Callable

HOST = "127.0.0.1"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves one folder; logs one short line per request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        self.server.echo(f"{self.command} {self.path} {args[1] if len(args) > 1 else ''}".rstrip())  # type: ignore[attr-defined]


def make_server(folder: Path, port: int, echo: Callable[[str], None] = print) -> http.server.ThreadingHTTPServer:
    """A server for `folder` bound to 127.0.0.1:`port` (0: a free port), not yet serving."""
    handler = functools.partial(QuietHandler, directory=str(Path(folder).resolve()))
    server = http.server.ThreadingHTTPServer((HOST, port), handler)
    server.echo = echo  # type: ignore[attr-defined]
    return server


def serve(folder: Path, port: int, echo: Callable[[str], None] = print) -> None:
    """Serve `folder` until interrupted."""
    server = make_server(folder, port, echo)
    echo(f"serving {folder} at http://{HOST}:{server.server_address[1]}/  (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        server.server_close()
