from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: what combines the feature apps (the dashboard per role, the
    network overview, the demo network). Nothing below imports it."""

    name = "buddynet.site"
    label = "site"
