"""gunicorn's settings for a production web node:

    gunicorn -c python:kuaiban.gunicorn_conf --workers 4 --bind 0.0.0.0:8000 kuaiban.wsgi

Each worker process counts its own requests (``kuaiban/core/metrics.py``); prometheus_client's
multiprocess mode writes them to files in ``PROMETHEUS_MULTIPROC_DIR`` so that the metrics
endpoint, answered by any one worker, adds up all of them. The directory is made fresh when
the server starts (a temporary one unless the variable names one) and a worker's files are
marked dead when it exits. gunicorn's own log lines go through the same masking filter and
JSON formatter as Django's.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="kuaiban-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _dir

wsgi_app = "kuaiban.wsgi:application"
# Requests are short; a slow client is the load balancer's to buffer (nginx does).
timeout = 60
graceful_timeout = 30
# One access line per request, with the id the node answered with (the load balancer's).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal_data": {"()": "kuaiban.core.masking.MaskPersonalDataFilter"},
        "request_id": {"()": "kuaiban.core.request_id.RequestIdLogFilter"},
    },
    "formatters": {"json": {"()": "kuaiban.core.json_logs.JsonLogFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_personal_data", "request_id"],
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


def on_starting(server: Any) -> None:
    """A fresh directory: files of a previous run would be added to this one's counts."""
    path = Path(_dir)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
