"""Work split over forked processes, each on its own database connection (PostgreSQL), with
one progress bar over a shared counter.

Generation (`services.history_generate`) gives each process every n-th chunk of history, the
roll-up rebuild (`rollups/refresh.rollup_rebuild`) every n-th day; each part's result comes
back to the parent, in the order of the parts.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections

from kuaiban.core.forked import connections_set_aside
from kuaiban.shareddata.progress import ProgressBar

T = TypeVar("T")
R = TypeVar("R")

# work(part, advance) → result; ``advance(n)`` moves the shared bar by n.
Work = Callable[[Sequence[T], Callable[[int], object]], R]


def in_processes(work: Work[T, R], tasks: Sequence[T], workers: int, bar: ProgressBar) -> list[R]:
    """Run ``work`` over ``tasks[n::workers]`` in each of ``workers`` forked processes."""
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    results = context.Queue()
    connections.close_all()  # each child opens its own connection
    children = [
        context.Process(target=_child, args=(work, n, tasks[n::workers], counter, results))
        for n in range(workers)
    ]
    for child in children:
        child.start()
    shown = 0
    found: dict[int, Any] = {}
    while any(child.is_alive() for child in children) or len(found) < len(children):
        while not results.empty():
            n, result = results.get()
            found[n] = result
        now = counter.value
        bar.advance(now - shown)
        shown = now
        if any(child.exitcode for child in children):
            break
        time.sleep(0.25)
    for child in children:
        child.join()
    while not results.empty():
        n, result = results.get()
        found[n] = result
    bar.advance(counter.value - shown)
    failed = [child.exitcode for child in children if child.exitcode]
    if failed or len(found) < len(children):
        raise ValueError(f"并行进程异常退出（退出码 {failed}）")
    return [found[n] for n in range(workers)]


def _child(work: Work[T, R], number: int, tasks: Sequence[T], counter: Any, results: Any) -> None:
    def advance(count: int) -> None:
        with counter.get_lock():
            counter.value += count

    connections_set_aside()
    try:
        results.put((number, work(tasks, advance)))
    finally:
        connections.close_all()
