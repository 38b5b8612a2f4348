"""Timestamp every line a child prints, and wait for a marker with a deadline.

A reader thread drains the stream (a pipe, a serial console, a Docker attach
stream) so the child never blocks on a full pipe, and records the monotonic
time each line arrived.
"""

from __future__ import annotations

import threading
import time
from typing import Iterable, Iterator


class LineWatch:
    """Lines of a byte stream with their arrival times (time.monotonic)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._lines: list[tuple[float, str]] = []
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._pump, args=(iter(chunks),), daemon=True)
        self._thread.start()

    def _pump(self, chunks: Iterator[bytes]) -> None:
        pending = b""
        try:
            for chunk in chunks:
                if not chunk:
                    continue
                now = time.monotonic()
                pending += chunk
                *complete, pending = pending.split(b"\n")
                if complete:
                    with self._cond:
                        self._lines.extend((now, c.decode("utf-8", "replace").rstrip("\r")) for c in complete)
                        self._cond.notify_all()
        except (OSError, ValueError):
            pass  # stream closed under us: the instance was stopped
        finally:
            with self._cond:
                if pending:
                    self._lines.append((time.monotonic(), pending.decode("utf-8", "replace")))
                self._closed = True
                self._cond.notify_all()

    def first(self, needle: str, start: int = 0) -> tuple[int, float] | None:
        """Index and arrival time of the first line from `start` containing `needle`."""
        with self._cond:
            for i in range(start, len(self._lines)):
                if needle in self._lines[i][1]:
                    return i, self._lines[i][0]
        return None

    def wait_for(self, needle: str, deadline: float, poll: float | None = None) -> float | None:
        """Arrival time of the first line containing `needle`, or None at the deadline or end of stream.

        With `poll`, return None after that many seconds even if the deadline is
        later, so a caller can check something else and call again.
        """
        seen = 0
        until = deadline if poll is None else min(deadline, time.monotonic() + poll)
        with self._cond:
            while True:
                for i in range(seen, len(self._lines)):
                    if needle in self._lines[i][1]:
                        return self._lines[i][0]
                seen = len(self._lines)
                left = until - time.monotonic()
                if self._closed or left <= 0:
                    return None
                self._cond.wait(left)

    def lines(self, start: int = 0) -> list[tuple[float, str]]:
        """A copy of the lines from `start` with their arrival times, for parsing output after ready."""
        with self._cond:
            return list(self._lines[start:])

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed

    def tail(self, n: int = 5) -> str:
        """The last lines, joined, for an error message."""
        with self._cond:
            return " | ".join(line for _, line in self._lines[-n:] if line.strip())[-400:]


def pipe_chunks(stream) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
    """Chunks from a binary pipe as they arrive (read1 returns what is there, not a full buffer)."""
    read = getattr(stream, "read1", stream.read)
    while True:
        chunk = read(65536)
        if not chunk:
            return
        yield chunk
