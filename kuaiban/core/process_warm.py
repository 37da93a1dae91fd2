"""What a web process does once, before anyone's first request, instead of during it.

Django does three things lazily that cost a new process's first visitor more than a second
(a supervisor's dashboard in a fresh process: 3.6 s against 0.12 s for the next request on
the demo): importing the URL configuration, which imports every view and the API with its
schemas; filling the URL resolver's reverse tables, which every ``{% url %}`` needs; and
compiling each template the first time it is rendered. `process_warm` does all three when
the WSGI application is loaded (`kuaiban/wsgi.py`): in each gunicorn worker as it boots, or
once in the master with ``--preload``, the workers then sharing the result. It touches no
database, so nothing is inherited across a fork.

The templates warmed are the project's own (the admin's, some hundred, are left to be
compiled when an administrator opens them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver
from django.utils import translation


@dataclass(frozen=True)
class Warmed:
    url_patterns: int
    templates: int


def process_warm() -> Warmed:
    resolver = get_resolver()
    with translation.override(settings.LANGUAGE_CODE):  # the reverse tables are per language
        patterns = len(resolver.url_patterns)
        resolver.app_dict  # noqa: B018 — fills the reverse tables of every namespace
    return Warmed(url_patterns=patterns, templates=_templates_compile())


def _templates_compile() -> int:
    """Load (parse and compile) every template of the project into the cached loader."""
    own = Path(settings.BASE_DIR) / "kuaiban"
    compiled = 0
    for backend in engines.all():
        for directory in backend.template_dirs:
            root = Path(directory)
            if not root.is_relative_to(own):
                continue
            for path in sorted(root.rglob("*.html")):
                backend.get_template(path.relative_to(root).as_posix())
                compiled += 1
    return compiled
