"""What customers see: submit a request (then its filed or saved page), sign in, My
requests, a ticket with its conversation and reply box; short function views, one
module per page, "page.html#part" for htmx requests. Also the status wordings the
pages use and their admin.

May import: customers (who is asking), mirror (reads), outbox (writes: it hands over a
`NewTicket` or `Reply` and renders), config, requestforms (the admin's forms and their
fields), tixallo (its vocabulary only: types, errors, field limits and fresh idempotency
keys; of the client just `deadline`, which bounds a page's calls), shared (start
tokens used once, the wordings' version). Nothing imports its views: they are reached by
URL (embed mounts them a second time).
"""
