"""gunicorn settings for the container; PORT, WEB_CONCURRENCY and WEB_THREADS tune it."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# The portal waits on Tixallo over HTTP: threads keep a worker busy while one waits.
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
