"""Settings for bench/throughput.py's second floor: the same hello view behind the
middleware of Django's `startproject` template (django/conf/project_template), the stack
a plain Django site starts with. Issue 20 asks that an unchanged poll stay at least 0.6×
this hello view."""

from bench.hello_settings import *  # noqa: F403

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
