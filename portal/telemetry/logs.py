"""What every log handler writes through (text and `LOG_FORMAT=json` alike): the request
id, no usable token and no value that starts a line of its own. `LOG_FORMAT=json` makes
one JSON object per line, for log collectors; plain text stays the default."""

import json
import logging
import re
from datetime import UTC, datetime

from portal.telemetry.requestlog import REQUEST_ID

# What RequestLogMiddleware passes as `extra`; copied into the object when present.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "upstream_calls")
# Tokens, wherever a message carries them (Django's CSRF and 404 lines name the path):
# a path segment of a private page (/t/, /signin/, /confirm/, /submitted/, /received/),
# whatever it holds, even a token cut short; then any other path segment with a colon
# (Django's signing writes "value:signature"; a URL's host:port is left alone), a signed
# value anywhere ("value[:time]:signature", the signature 27+ characters), a JWT (a host's
# identity token) and the value of a `token=` parameter.
PRIVATE_PAGE = re.compile(r"(/(?:t|signin|confirm|submitted|received)/)[^/\s?#]+")
COLON = r"(?::|%3[aA])"
# Masking must stay linear in a line's length: a path is the visitor's to choose, up to
# 4 KB. So a run of token characters longer than any token is masked whole (`LONG_RUN`),
# and the shapes start only where a run starts (the lookbehinds): tried from every
# character of a long run, a 4,000-character path took 0.5 s to mask, now 1 ms.
LONG_RUN = re.compile(r"(?<![\w.:%-])[\w.:%-]{256,}")
SECRET_SHAPES = re.compile(
    rf"(?<=[^/]/)[^/\s?#:%]*{COLON}[^/\s?#]*"
    rf"|(?<![\w.:-])[\w.-]+(?:{COLON}[\w-]+)*{COLON}[\w-]{{27,}}"
    r"|(?<![\w-])eyJ[\w-]*\.[\w-]*\.[\w-]*"
    r"|(?<=token=)[^&\s]+"
)
# C0 and C1 controls (newline, carriage return, escape …) and Unicode's line separators.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def masked(text: str) -> str:
    text = LONG_RUN.sub("<token>", PRIVATE_PAGE.sub(r"\1<token>", text))
    return SECRET_SHAPES.sub("<token>", text)


def one_line(text: str) -> str:
    """Control characters written as escapes: a logged value cannot forge a line."""
    return CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


class LogLineFilter(logging.Filter):
    """On every handler (`settings.LOGGING`, `gunicorn.conf.py`): whatever logger wrote
    the record, its message leaves masked and on one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        record.msg, record.args = one_line(masked(record.getMessage())), None
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, one_line(masked(value)))
        if record.exc_info and not record.exc_text:
            # A traceback keeps its lines; an exception's message may name a path.
            record.exc_text = masked(logging.Formatter().formatException(record.exc_info))
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
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
