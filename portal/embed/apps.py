from django.apps import AppConfig


class EmbedConfig(AppConfig):
    name = "portal.embed"
    label = "embed"
    verbose_name = "Embedding"
