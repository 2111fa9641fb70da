"""Everything after "saved". A customer's request or reply comes as one typed record
(`tixallo.types.NewTicket`, `Reply`), is stored first (`queue`), sent to Tixallo with
its own idempotency key (`delivery`, which also marks the row and drops the mirror's
copies; retried by the worker in `tasks`), and acknowledged by email (`emails`, also
agents' answers in `agent_answers`, handed the parsed webhook event, and sign-in links).
One owner per step: `queue` saves, `delivery` sends, `emails` writes. Also the
customer's "This is solved" (`solve`) and the outbox's admin.

May import: mirror (cache drops, reads for answer emails), tixallo, customers (the
private links in emails), config, telemetry, shared (what is queued for a customer: its
change marker). Pages and webhooks hand work to it.
"""
