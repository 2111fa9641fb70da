"""Satisfaction ratings: "How did we do?" on a solved request (good or bad, and an
optional comment), kept here (`models`), counted for Prometheus, and added to the ticket
as the customer's public message through the outbox (`ratings`), unless an admin turned
that off. Admin → Satisfaction: the weekly score as an SVG (`chart`), the latest
ratings, a CSV export (`admin`).

May import: outbox (the message to the ticket), telemetry (the count), tixallo (types).
"""
