"""A text progress bar for long jobs: count, share, rate and time left, on one line.

On a terminal the line redraws itself at most four times a second; into a file or a pipe
(logs, CI) it prints a plain line every few seconds instead, so logs stay readable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

_WIDTH = 24


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def progress_line(*, label: str, unit: str, done: int, total: int, elapsed: float) -> str:
    share = done / total if total else 1.0
    filled = int(share * _WIDTH)
    rate = done / elapsed if elapsed > 0 else 0.0
    left = _duration((total - done) / rate) if rate > 0 else "--:--:--"
    return (
        f"{label} [{'#' * filled}{'.' * (_WIDTH - filled)}] {done:,}/{total:,} {share:6.1%}"
        f"  {rate:,.0f} {unit}/秒  剩余 {left}"
    )


class ProgressBar:
    def __init__(
        self,
        *,
        label: str,
        unit: str,
        total: int,
        stream: TextIO | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label, self.unit, self.total = label, unit, total
        self.done = 0
        self._stream = stream
        self._clock = clock
        self._tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self._interval = 0.25 if self._tty else 5.0
        self._started = self._last = clock()

    def advance(self, count: int) -> None:
        self.done += count
        now = self._clock()
        if now - self._last >= self._interval:
            self._draw(now)

    def finish(self) -> float:
        """Draw the final line; the seconds taken."""
        now = self._clock()
        self._draw(now)
        if self._tty and self._stream is not None:
            self._stream.write("\n")
            self._stream.flush()
        return now - self._started

    def _draw(self, now: float) -> None:
        self._last = now
        if self._stream is None:
            return
        line = progress_line(
            label=self.label,
            unit=self.unit,
            done=self.done,
            total=self.total,
            elapsed=now - self._started,
        )
        self._stream.write(f"\r{line}\x1b[K" if self._tty else f"{line}\n")
        self._stream.flush()
