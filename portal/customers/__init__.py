"""Who the visitor is and what they may see. A customer is an email address proven by
a link emailed to it (sign-in links, the confirmation link of a held request), a
signed private ticket link, or the host site's identity token when embedded (`access`,
`identity`); the session keys that remember it are written here only (`access`,
`names`, `identity`; the host page's options for its frame too, `frame`). `ratelimit`
counts what a client address and an email may do.

May import: mirror (the ticket check reads through it), config, tixallo (its types,
errors and field limits), telemetry, shared (the rate-limit counters). The sign-in
link model keeps its table in the tickets app (`models`: Meta.app_label), where it
was created.
"""
