"""The roles exist as groups holding exactly their permissions, on every section, new or old."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import (
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
)

from newsdesk.articles.models import ArticlePage, HomePage, SectionPage
from newsdesk.demo import factories
from newsdesk.newsroom.demo import DEMO_PASSWORD, create_demo_users
from newsdesk.newsroom.roles import ROLES, TASK_NAME, WORKFLOW_NAME
from newsdesk.newsroom.services import make_section_group, sync_roles

pytestmark = pytest.mark.django_db

SECTION_ACTIONS = {
    "Contributors": {"add"},
    "Writers": {"add", "change"},
    "Editors": {"add", "change", "publish", "lock", "unlock"},
    "Managing editors": set(),
    "Moderators": set(),
}


def page_actions(group, page) -> set[str]:
    return {
        codename.removesuffix("_page")
        for codename in GroupPagePermission.objects.filter(group=group, page=page).values_list(
            "permission__codename", flat=True
        )
    }


def snapshot() -> dict:
    """Everything the roles grant, comparable across calls."""
    return {
        group.name: (
            sorted(group.permissions.values_list("content_type__app_label", "codename")),
            sorted(group.page_permissions.values_list("page_id", "permission__codename")),
            sorted(
                group.collection_permissions.values_list("collection_id", "permission__codename")
            ),
        )
        for group in Group.objects.filter(name__in=[role.group for role in ROLES])
    }


def test_each_role_is_a_group_with_exactly_its_site_wide_permissions():
    for role in ROLES:
        group = Group.objects.get(name=role.group)
        held = {f"{app}.{code}" for app, code in snapshot()[role.group][0]}
        assert held == set(role.permissions), role.group
        images = {
            f"{p.permission.content_type.app_label}.{p.permission.codename}"
            for p in GroupCollectionPermission.objects.filter(group=group, collection__depth=1)
        }
        assert images == set(role.collections), role.group
    moderators = Group.objects.get(name="Moderators")
    assert not moderators.page_permissions.exists(), "moderators have no page permissions"


def test_every_section_grants_each_role_its_actions_and_nothing_publishes_above():
    home = HomePage.objects.get()
    for section in SectionPage.objects.all():
        for name, actions in SECTION_ACTIONS.items():
            assert page_actions(Group.objects.get(name=name), section) == actions, (name, section)
    managing = Group.objects.get(name="Managing editors")
    assert page_actions(managing, home) == {"add", "change", "publish", "lock", "unlock"}
    root = Page.get_first_root_node()
    assert not GroupPagePermission.objects.filter(page=root).exists(), "no grants on the root"


def test_a_new_section_gets_the_grants_when_it_is_created():
    home = HomePage.objects.get()
    climate = factories.make_section(home=home, title="Climate", intro="Heat and weather.")
    for name, actions in SECTION_ACTIONS.items():
        assert page_actions(Group.objects.get(name=name), climate) == actions, name
    contributor = get_user_model().objects.get(username="contributor")
    perms = climate.permissions_for_user(contributor)
    assert perms.can_add_subpage() and not perms.can_publish_subpage()


def test_articles_inherit_the_editorial_review_workflow_from_the_home_page(live_article):
    workflow = live_article.get_workflow()
    assert workflow.name == WORKFLOW_NAME
    task = workflow.tasks.get().specific
    assert isinstance(task, GroupApprovalTask) and task.name == TASK_NAME
    assert set(task.groups.values_list("name", flat=True)) == {"Editors", "Managing editors"}
    assert workflow.workflow_pages.get().page.specific_class is HomePage
    # Wagtail's sample "Moderators approval" would let comment moderators approve pages.
    assert not Workflow.objects.filter(active=True).exclude(name=WORKFLOW_NAME).exists()
    assert not GroupApprovalTask.objects.filter(groups__name="Moderators").exists()


def test_sync_is_idempotent_and_puts_drifted_permissions_back():
    before = snapshot()
    editors = Group.objects.get(name="Editors")
    GroupPagePermission.objects.filter(group=editors, permission__codename="publish_page").delete()
    GroupPagePermission.objects.create(
        group=editors, page=Page.get_first_root_node(), permission_type="change"
    )
    sync_roles()
    sync_roles()
    assert snapshot() == before
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert GroupApprovalTask.objects.filter(name=TASK_NAME).count() == 1


def test_an_optional_per_section_group_works_in_its_section_only(world):
    group = make_section_group(section=world, role_key="editor")
    assert group.name == "Editors of World"
    assert set(group.page_permissions.values_list("page_id", flat=True)) == {world.pk}
    assert page_actions(group, world) == SECTION_ACTIONS["Editors"]
    # Its own review step, so its members approve World's articles and no others.
    world_article = ArticlePage.objects.child_of(world).first()
    politics_article = ArticlePage.objects.child_of(
        SectionPage.objects.get(slug="politics")
    ).first()
    world_task = world_article.get_workflow().tasks.get().specific
    assert set(world_task.groups.values_list("name", flat=True)) == {
        "Editors of World",
        "Editors",
        "Managing editors",
    }
    assert politics_article.get_workflow().name == WORKFLOW_NAME
    assert make_section_group(section=world, role_key="editor") == group
    with pytest.raises(ValueError):
        make_section_group(section=world, role_key="moderator")


def test_demo_accounts_one_per_role_idempotent():
    User = get_user_model()
    before = User.objects.count()
    accounts = create_demo_users()
    assert create_demo_users() == accounts
    assert User.objects.count() == before
    assert [(a.username, a.role) for a in accounts] == [
        ("contributor", "Contributors"),
        ("writer", "Writers"),
        ("editor", "Editors"),
        ("managing", "Managing editors"),
        ("moderator", "Moderators"),
    ]
    for account in accounts:
        user = User.objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD) and account.password == DEMO_PASSWORD
        assert list(user.groups.values_list("name", flat=True)) == [account.role]
        assert user.email and not user.is_staff and not user.is_superuser
