from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "portal.mirror"
    label = "mirror"
    verbose_name = "Tixallo mirror"

    def ready(self) -> None:
        from portal.mirror import budget
        from portal.shared import store
        from portal.tixallo import breaker, client

        # Every request to Tixallo, in every process, is counted against the budget first.
        client.use_gate(budget)
        # The breaker opens and closes for every process alike.
        breaker.use_store(store)
