"""The Tixallo API client: plain functions, typed results (`types`), named errors
(`errors`), retries and a circuit breaker (`breaker`); the only code that speaks HTTP
to Tixallo.

Imports nothing of the portal. What only the portal knows (where to connect, the
request budget, who counts answers, the sandbox's transport) is handed to it at start
by the apps (`client.use_connection`, `use_gate`, `report_to`, `use_transport`). Pages
read through portal.mirror and write through portal.outbox; from here they take only the
vocabulary: `types` (field limits, idempotency keys, what is sent, the webhook `Event`),
`errors`, `addresses`. Who may import `client` is listed in tests/test_architecture.py.
"""
