"""Tixallo's webhooks: signed deliveries of ticket and message events that make every
portal process show a change at its next poll, instead of when its cache runs out.

`signature` checks the `Tixallo-Signature` header, `events` reads an event once into
`tixallo.types.Event` and applies it once (deduplicated by event id, out-of-order
deliveries ignored), `views` is the endpoint, `POST /webhooks/tixallo`, which hands the
parsed event on to `outbox.agent_answers`.

May import: mirror (what an event invalidates; `trust`, told of every signed delivery),
outbox (an applied event may call for an email to the customer), config, tixallo (its
types), telemetry.
"""
