"""Which requests' answer emails the customer muted (the outbox's `agent_answers` asks
before sending one). Set from the request's page (`tickets.views.answer_emails`), whose
link every answer email carries.

Imports nothing of the portal.
"""
