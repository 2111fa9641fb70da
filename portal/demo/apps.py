from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "portal.demo"
    label = "demo"
    verbose_name = "Demo on the built-in sandbox"

    def ready(self) -> None:
        # Tixallo is the sandbox in this process: the API client reaches it through an
        # httpx transport instead of the network (no second process, no port).
        from portal.sandbox import inprocess
        from portal.tixallo import client

        client.use_transport(inprocess.transport)
