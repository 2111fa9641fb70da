"""gunicorn settings (the container's and the production install's); PORT,
WEB_CONCURRENCY and WEB_THREADS tune it."""

import os
from pathlib import Path

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# The portal's system checks warn about SQLite or a per-process cache with several workers.
os.environ["WEB_CONCURRENCY"] = str(workers)
# The portal waits on Tixallo over HTTP: threads keep a worker busy while one waits.
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
# The portal logs one line per request itself (with its id, duration and upstream calls).
accesslog = None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's own lines through the portal's filter too (tokens masked, one line each),
# as JSON objects with LOG_FORMAT=json.
_json = os.environ.get("LOG_FORMAT") == "json"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"lines": {"()": "portal.telemetry.logs.LogLineFilter"}},
    "formatters": {
        "json": {"()": "portal.telemetry.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(process)d] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _json else "text",
            "filters": ["lines"],
        }
    },
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}


def on_starting(server: object) -> None:
    """Metrics: drop counter files of processes that no longer run (an earlier start),
    keeping those of live ones (the outbox worker may share the directory)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    for path in Path(directory).glob("*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if not pid.isdigit() or not _alive(int(pid)):
            path.unlink(missing_ok=True)


def child_exit(server: object, worker: object) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
