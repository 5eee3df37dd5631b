"""Who may do what with notes: add, change and withdraw them; nobody may delete one."""

from django.contrib.auth import get_user_model
from wagtail.permission_policies import ModelPermissionPolicy


class NotePermissionPolicy(ModelPermissionPolicy):
    """Like Django's model permissions, except that `delete` is refused to everyone, superusers
    included, and `withdraw` is its own permission (`corrections.withdraw_articlenote`)."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action != "delete"]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)
