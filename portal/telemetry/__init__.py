"""What the portal records about itself as it runs: Prometheus counters (`metrics`),
one log line per request with its id and upstream calls (`requestlog`), the log
format (`logs`).

Imports nothing of the portal, so any package may record here; ops shows it.
"""
