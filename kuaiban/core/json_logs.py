"""Log records as one JSON object per line, for production log collectors.

The handler's filters run first: ``MaskPersonalDataFilter`` has already masked the message,
the traceback (``exc_text``) and the stack, and ``RequestIdLogFilter`` has put the request id
on the record. This formatter only arranges them; Chinese stays readable (no ``\\u`` escapes).
"""

from __future__ import annotations

import datetime as dt
import json
import logging


class JsonLogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "")
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)
