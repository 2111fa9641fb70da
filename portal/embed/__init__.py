"""Embedding the portal in a company's own website: the host page's script
(`/embed.js`), the frame's entry (it checks the host's identity token), the compact
embedded mode under `/embed/`, who may frame it, cookies that work inside a
third-party iframe, the demo shop's page.

May import: customers (the identity the host vouches for), config, tickets.forms (the
submit form's prefill rules, never its views), requestforms (a form's field labels, for
the refusal page), tixallo (the loopback check, `addresses`).
"""
