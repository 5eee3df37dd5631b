from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The newsroom's accounts. Custom from the first migration so fields can grow later."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
