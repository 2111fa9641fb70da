"""Operations: the health page, /healthz, /readyz and /metrics (probes), the system
checks, and the calm page while the database is away (`outage`).

Reads the state of everything below it (outbox, mirror, config, webhooks, tixallo's
breaker, telemetry's counters); nothing imports ops. At start it has the Tixallo
client report each answer to telemetry (`apps`).
"""
