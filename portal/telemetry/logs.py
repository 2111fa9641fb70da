"""`LOG_FORMAT=json`: one JSON object per line, for log collectors. Plain text
stays the default. Both carry the request id of the request being handled."""

import json
import logging
from datetime import UTC, datetime

from portal.telemetry.requestlog import REQUEST_ID, masked

# What RequestLogMiddleware passes as `extra`; copied into the object when present.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "upstream_calls")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        if record.name == "django.request" and isinstance(record.args, tuple):
            # Django's "Not Found: <path>" line names the path too.
            record.args = tuple(masked(a) if isinstance(a, str) else a for a in record.args)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": REQUEST_ID.get() or None,
        }
        entry |= {name: getattr(record, name) for name in REQUEST_FIELDS if hasattr(record, name)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
