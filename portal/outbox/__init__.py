"""Everything after "saved": a customer's request or reply is stored first (`queue`),
sent to Tixallo with its own idempotency key (`delivery`, retried by the worker in
`tasks`), and followed by what it calls for: the customer's cached pages dropped and
the emails (`emails`: acknowledgements, agents' answers in `agent_answers`, sign-in
links). Also the customer's "This is solved" (`solve`) and the outbox's admin.

May import: mirror (cache drops, reads for answer emails), tixallo, customers (the
private links in emails), config, telemetry, shared (what is queued for a customer: its
change marker). Pages and webhooks hand work to it.
"""
