"""`reportgen serve`: the built site over HTTP on 127.0.0.1, rebuilt on change, the browser reloaded (as `mkdocs serve`).

Only the loopback address is bound (nothing outside this machine can reach
it), and only the files under the served folder are sent.

With a watcher (watch.py), every HTML page sent gets a small script that asks
`/__reportgen__/build` for the build number every half second and reloads the
page when it changes. The script is added to the response only: the files on
disk, which `reportgen build` wrote, never contain it.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import Callable

HOST = "127.0.0.1"
BUILD_PATH = "/__reportgen__/build"
RELOAD_SCRIPT = """<script data-reportgen-serve>
(function () {
  var seen = null;
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (n) {
      if (seen !== null && n !== seen) { location.reload(); return; }
      seen = n; setTimeout(poll, 500);
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>
""" % BUILD_PATH
"""Injected before </body> of served HTML pages while watching (never written to a file)."""


class BuildCounter:
    """The number of the last finished build; pages reload when it changes."""

    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()

    def bump(self) -> int:
        with self.lock:
            self.value += 1
            return self.value


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves one folder; logs one short line per request; with a counter, live-reloads HTML pages."""

    counter: BuildCounter | None = None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        if self.path == BUILD_PATH:
            return  # the reload poll, twice a second: not worth a line
        self.server.echo(f"{self.command} {self.path} {args[1] if len(args) > 1 else ''}".rstrip())  # type: ignore[attr-defined]

    def do_GET(self) -> None:  # noqa: N802 (the base class's name)
        if self.counter is not None and self.path == BUILD_PATH:
            self._send(str(self.counter.value).encode(), "text/plain; charset=utf-8")
            return
        path = Path(self.translate_path(self.path))  # sanitised: never outside the folder
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                super().do_GET()  # the base class redirects to the folder's URL with a slash
                return
            path = path / "index.html"
        if self.counter is not None and path.suffix == ".html" and path.is_file():
            html = path.read_bytes()
            at = html.rfind(b"</body>")
            at = len(html) if at < 0 else at
            self._send(html[:at] + RELOAD_SCRIPT.encode() + html[at:], "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def make_server(folder: Path, port: int, echo: Callable[[str], None] = print,
                counter: BuildCounter | None = None) -> http.server.ThreadingHTTPServer:
    """A server for `folder` bound to 127.0.0.1:`port` (0: a free port), not yet serving; live reload with `counter`."""
    handler = functools.partial(type("Handler", (QuietHandler,), {"counter": counter}), directory=str(Path(folder).resolve()))
    server = http.server.ThreadingHTTPServer((HOST, port), handler)
    server.echo = echo  # type: ignore[attr-defined]
    return server


def serve(folder: Path, port: int, echo: Callable[[str], None] = print, watcher: "object | None" = None) -> None:
    """Serve `folder` until interrupted; with a watcher (watch.Watcher), rebuild on change and reload pages."""
    counter = getattr(watcher, "counter", None)
    server = make_server(folder, port, echo, counter)
    echo(f"serving {folder} at http://{HOST}:{server.server_address[1]}/  (Ctrl-C stops)")
    if watcher is not None:
        watcher.start()  # type: ignore[attr-defined]
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        if watcher is not None:
            watcher.stop()  # type: ignore[attr-defined]
        server.server_close()
