"""The portal's cached view of Tixallo: pages, the outbox and webhooks read and
invalidate Tixallo's tickets through here, never through the client directly.

- `reads`: a ticket or a customer's list, from the copy while it can be trusted, else
  from Tixallo (one fetch per key at a time), never storing a copy older than a change
  an event told of: read top to bottom in `ticket_copy` and `list_copy`;
- `copies`: the `Copy` record, and where copies are kept (this process, with Redis the
  shared cache too);
- `markers`: each ticket's and each customer's lists' change marker (`TicketMark`),
  moved by events and the portal's own writes;
- `owners`: which email a Tixallo customer id (and a ticket) belongs to, learnt
  from the tickets read, so an event refreshes only that customer's lists;
- `public_times`: when each ticket fetched last changed in a way its customer sees (an
  internal note doesn't count), for the order of My requests;
- `trust`: whether webhooks are arriving, which decides how long a copy is trusted;
- `budget`: the share of Tixallo's rate limit the portal may spend, shared by every
  process, writes first, then first views, then polls (handed to the client at start).

May import: tixallo, telemetry, shared (markers, locks, the budget, webhook liveness and
the breaker's state, which every process must see alike).
"""
