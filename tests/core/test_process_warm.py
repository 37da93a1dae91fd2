"""A web process imports its URLs, fills the reverse tables and compiles the templates when
the WSGI application loads, so its first visitor does not wait for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver

from kuaiban.core.process_warm import process_warm

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import json, sys
before = {"api": "kuaiban.api" in sys.modules, "urls": "kuaiban.urls" in sys.modules}
import kuaiban.wsgi
from django.template import engines
from django.urls import get_resolver
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({
    "before": before,
    "api": "kuaiban.api" in sys.modules,
    "reverse_tables": bool(get_resolver()._reverse_dict),
    "templates": sorted(k for k in loader.get_template_cache if k.endswith(".html")),
}))
"""


def _project_templates() -> set[str]:
    found = set()
    for root in [ROOT / "kuaiban" / "templates", *ROOT.glob("kuaiban/*/templates")]:
        found |= {p.relative_to(root).as_posix() for p in root.rglob("*.html")}
    return found


def test_loading_the_wsgi_application_warms_the_process() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kuaiban.settings_test"}
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen["before"] == {"api": False, "urls": False}
    assert seen["api"] and seen["reverse_tables"]
    assert set(seen["templates"]) == _project_templates()


def test_process_warm_counts_what_it_did() -> None:
    warmed = process_warm()
    assert warmed.templates == len(_project_templates())
    assert warmed.url_patterns == len(get_resolver().url_patterns)
    assert settings.LANGUAGE_CODE in get_resolver()._reverse_dict
    loader = engines["django"].engine.template_loaders[0]
    assert _project_templates() <= set(loader.get_template_cache)
