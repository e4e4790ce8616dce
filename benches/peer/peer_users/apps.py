from django.apps import AppConfig


class PeerUsersConfig(AppConfig):
    name = "peer_users"
    default_auto_field = "django.db.models.BigAutoField"
