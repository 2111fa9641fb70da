"""One visitor cannot slow down another (issue 15, scenario b): a signed-in customer
asking 150 unknown ticket ids and cursors meets its own limit (the calm 429), and
another customer's first view of My requests still answers 200."""

import secrets

from portal.sandbox import tickets


def test_a_visitor_asking_150_unknown_ids_leaves_another_customers_first_view_at_200(
    topology,
):
    with topology.store.transaction() as conn:
        tickets.create_ticket(
            conn, subject="Victim's own", description="Mine", customer_email="vic@example.com",
            customer_name="Vic Example",
        )  # fmt: skip
    answers = []
    with topology.browser("203.0.113.66") as mallory:
        topology.sign_in(mallory, "mallory@example.com")
        for n in range(75):
            answers.append(mallory.get(f"/tickets/tkt_{secrets.token_hex(12)}/").status_code)
            answers.append(mallory.get(f"/tickets/?cursor={secrets.token_hex(8)}").status_code)
            if n == 5:  # the ids are not among hers: no call to Tixallo for them
                assert set(answers) <= {302, 404, 429}
        assert set(answers) <= {302, 404, 429}
        assert 429 in answers  # her share of reads is spent
    with topology.browser("198.51.100.7") as vic:
        topology.sign_in(vic, "vic@example.com")
        first_view = vic.get("/tickets/")
        assert first_view.status_code == 200 and "Victim&#x27;s own" in first_view.text
