"""Tixallo's webhooks: signed deliveries of ticket and message events that make every
portal process show a change at its next poll, instead of when its cache runs out.

`signature` checks the `Tixallo-Signature` header, `events` reads an event and applies
it once (deduplicated by event id, out-of-order deliveries ignored), `views` is the
endpoint, `POST /webhooks/tixallo`.

May import: mirror (what an event invalidates; `trust`, told of every signed delivery),
outbox (an applied event may call for an email to the customer), config, tixallo (its
types), telemetry.
"""
