# syntax=docker/dockerfile:1
# CI builds this file as it is and runs the image on every run (.ci/image: podman, with
# python:3.13-slim stood in for by Debian's Python 3.13): one box on SQLite, and two
# instances and the worker on PostgreSQL and Redis, read-only, as user 10001.

# Build stage: uv installs the locked dependencies into /app/.venv, then the
# static files are collected (and compressed by whitenoise) at build time.
FROM python:3.13-slim AS build
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --locked --no-default-groups --extra postgres --extra redis \
    # Only English and German are offered (settings.LANGUAGES): Django's other languages and
    # every .po source (only compiled .mo files are read) stay out of the image, ~16 MB.
    && find .venv -name '*.po' -delete \
    && find .venv -type d -regex '.*/locale/[^/]+' ! -name 'de*' ! -name 'en*' -prune \
       -exec rm -rf {} +
COPY . .
RUN SECRET_KEY=collectstatic STATIC_ROOT=/app/staticfiles DATABASE_URL=sqlite:////tmp/build.db \
    .venv/bin/python manage.py collectstatic --noinput

# Run stage: no build tools, a non-root user, gunicorn serving portal.wsgi.
# The outbox worker is the same image with: python manage.py db_worker
FROM python:3.13-slim
# var/ (SQLite, the generated secret key) belongs to the portal user, so that a volume
# mounted there starts with that owner.
RUN useradd --system --uid 10001 --home-dir /app portal \
    && install -d -o portal -g portal /tmp/portal-metrics /app/var
WORKDIR /app
COPY --from=build --chown=portal:portal /app /app
# Each process keeps its metrics counters there; gunicorn.conf.py creates and tidies it.
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 STATIC_ROOT=/app/staticfiles PORT=8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/portal-metrics
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"]
CMD ["gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py"]
