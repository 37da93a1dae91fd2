"""WSGI entry point for production servers (e.g. `gunicorn kuaiban.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuaiban.settings")
application = get_wsgi_application()

# Every PDF (certificates, receipts, guides) borrows the font parsed once per process; parse it
# now, so the first person to ask for one does not wait the second it takes (with
# `gunicorn --preload` the workers share this copy).
from kuaiban.documents.render import FONT_PATH  # noqa: E402
from kuaiban.documents.shipped_font import shipped_font  # noqa: E402

if FONT_PATH.is_file():
    shipped_font(FONT_PATH)

# Import the URL configuration, fill the reverse tables and compile the templates now, not
# during the first visitor's request (`core/process_warm.py`).
from kuaiban.core.process_warm import process_warm  # noqa: E402

process_warm()
