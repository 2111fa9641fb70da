"""State that several processes must agree on (web workers, the outbox worker, other
instances): rate-limit counters, change markers and versions, the Tixallo budget and its
pause, single-flight locks, webhook liveness. `store` keeps it in Redis when REDIS_URL is
set, otherwise in a table of the portal's own database (`models.Entry`), so one machine
with SQLite needs no Redis to be correct. The per-process cache keeps only content
addressed by a version read from here (docs/architecture.md, "Where state lives").

May import: caches (how a Redis outage is logged). Every other package may import it.
"""
