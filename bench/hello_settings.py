"""Settings for bench/throughput.py: the portal's own, with a plain hello view added
(bench/hello_urls.py), so both go through the same middleware stack."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.hello_urls"
