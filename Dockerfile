# syntax=docker/dockerfile:1
# The commands below are the ones .ci/prod-install runs on every CI run (uv sync,
# collectstatic, gunicorn from gunicorn.conf.py, `manage.py db_worker`), so what CI
# proves is what this image does. The image build itself is not run in CI (no engine).

# Build stage: uv installs the locked dependencies into /app/.venv, then the
# static files are collected (and compressed by whitenoise) at build time.
FROM python:3.13-slim AS build
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --locked --no-default-groups --extra postgres --extra redis
COPY . .
RUN SECRET_KEY=collectstatic STATIC_ROOT=/app/staticfiles DATABASE_URL=sqlite:////tmp/build.db \
    .venv/bin/python manage.py collectstatic --noinput

# Run stage: no build tools, a non-root user, gunicorn serving portal.wsgi.
# The outbox worker is the same image with: python manage.py db_worker
FROM python:3.13-slim
RUN useradd --system --uid 10001 --home-dir /app portal \
    && install -d -o portal -g portal /tmp/portal-metrics
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
