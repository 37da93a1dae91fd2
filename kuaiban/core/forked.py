"""Database connections in a process forked from a Django process.

A forked child starts with copies of the parent's connection objects. The parent closes its own
connections before it forks, but that covers only the connections of the thread that forks
(Django keeps them per thread or context): a connection the parent opened in another context —
seen under a test runner whose worker runs tests outside the main thread — reached the child
open, and the child ran its statements on the parent's socket, breaking both sessions.

`connections_set_aside` is the first thing a forked child does: it makes the child's next
query open a connection of its own, without using or closing any inherited one (closing it
would end the parent's session on the server), and keeps the inherited objects referenced
until the process exits, since a finalised connection would close its socket as well.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

_SET_ASIDE: list[Any] = []


def connections_set_aside() -> int:
    """Forget every connection this (forked) process inherited; the number set aside."""
    found = 0
    for alias in connections:
        connection = connections[alias]
        _SET_ASIDE.append(connection)
        del connections[alias]
        found += connection.connection is not None
    return found
