"""Request forms with their own fields ("Billing question", "Technical problem"): defined
by admins (`models`, `admin`), read by the pages as plain definitions (`catalogue`), and
turned into form fields and a readable block in the ticket's description (`compose`),
since Tixallo's API has no custom fields.

May import: config (the priority words), tixallo (field limits only).
"""
