"""Roles, section permissions and the review workflow: every write in one place.

The functions take an `apps` registry so the data migration can run them on its historical
models; everywhere else they use the real ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db import transaction

from .roles import BY_KEY, ROLES, TASK_NAME, WORKFLOW_NAME, Role


def _permission(apps, name: str):
    """The Permission "app_label.codename", created if its app's post_migrate has not run yet."""
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = name.split(".")
    found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if found:
        return found
    # On a fresh database, Django creates model permissions only after every migration; make
    # the missing ones now, named as Django would name them.
    action, model_name = codename.rsplit("_", 1)
    model = apps.get_model(app_label, model_name)
    content_type, _ = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label=app_label, model=model_name
    )
    label = dict(model._meta.permissions).get(codename)
    label = label or f"Can {action.replace('_', ' ')} {model._meta.verbose_name_raw}"
    return Permission.objects.create(content_type=content_type, codename=codename, name=label)


def _page_permission(apps, action: str):
    return _permission(apps, f"wagtailcore.{action}_page")


def _root_collection(apps):
    return apps.get_model("wagtailcore", "Collection").objects.filter(depth=1).first()


def _section_ids(apps) -> list[int]:
    return list(apps.get_model("articles", "SectionPage").objects.values_list("pk", flat=True))


def _home_ids(apps) -> list[int]:
    return list(apps.get_model("articles", "HomePage").objects.values_list("pk", flat=True))


def _set_group(apps, group, role: Role, *, section_ids: Iterable[int], home_ids: Iterable[int]):
    """Make the group hold exactly the role's permissions (on the given sections)."""
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    group.permissions.set([_permission(apps, name) for name in role.permissions])

    actions = {a: _page_permission(apps, a).pk for a in (*role.section_pages, *role.home_page)}
    wanted_pages = {
        (page_id, actions[action])
        for page_ids, role_actions in (
            (section_ids, role.section_pages),
            (home_ids, role.home_page),
        )
        for page_id in page_ids
        for action in role_actions
    }
    for grant in GroupPagePermission.objects.filter(group=group):
        if (grant.page_id, grant.permission_id) in wanted_pages:
            wanted_pages.discard((grant.page_id, grant.permission_id))
        else:
            grant.delete()
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group=group, page_id=page_id, permission_id=permission_id)
        for page_id, permission_id in sorted(wanted_pages)
    )

    root = _root_collection(apps)
    wanted = {_permission(apps, name).pk for name in role.collections} if root else set()
    for grant in GroupCollectionPermission.objects.filter(group=group):
        if grant.collection_id == getattr(root, "pk", None) and grant.permission_id in wanted:
            wanted.discard(grant.permission_id)
        else:
            grant.delete()
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group=group, collection=root, permission_id=permission_id)
        for permission_id in sorted(wanted)
    )


def _approval_task(apps, *, workflow_name: str, task_name: str):
    """The workflow and its single group-approval task, made if missing."""
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")

    workflow, _ = Workflow.objects.get_or_create(name=workflow_name, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = GroupApprovalTask.objects.filter(
        name=task_name, workflow_tasks__workflow=workflow
    ).first()
    if task is None:
        content_type, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(
            name=task_name, content_type=content_type, active=True
        )
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow, task


def _retire_other_reviewers(apps, *, keep_task, groups: Iterable) -> None:
    """Take groups that must not review out of every other approval task.

    Wagtail's sample data makes a "Moderators approval" workflow on the root page; here
    "Moderators" moderate comments, so that workflow is switched off once it has no reviewers.
    """
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    groups = list(groups)
    others = GroupApprovalTask.objects.exclude(pk=keep_task.pk).filter(groups__in=groups)
    for task in others.distinct():
        task.groups.remove(*groups)
        if task.groups.exists():
            continue
        task.active = False
        task.save(update_fields=["active"])
        for workflow in Workflow.objects.filter(workflow_tasks__task=task, active=True):
            if not workflow.workflow_tasks.filter(task__active=True).exists():
                workflow.active = False
                workflow.save(update_fields=["active"])
                WorkflowPage.objects.filter(workflow=workflow).delete()


def sync_roles(*, apps=global_apps) -> dict:
    """Create or update every role's group and the "Editorial review" workflow. Idempotent.

    Returns the groups by role key. Groups hold exactly what `roles.py` says: permissions
    granted to these groups by hand are removed (per-section groups are left alone).
    """
    Group = apps.get_model("auth", "Group")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    section_ids, home_ids = _section_ids(apps), _home_ids(apps)
    groups = {}
    with transaction.atomic():
        for role in ROLES:
            group, _ = Group.objects.get_or_create(name=role.group)
            _set_group(apps, group, role, section_ids=section_ids, home_ids=home_ids)
            groups[role.key] = group

        workflow, task = _approval_task(apps, workflow_name=WORKFLOW_NAME, task_name=TASK_NAME)
        task.groups.set([groups[role.key] for role in ROLES if role.reviews])
        for home_id in home_ids:
            WorkflowPage.objects.update_or_create(page_id=home_id, defaults={"workflow": workflow})
        _retire_other_reviewers(
            apps, keep_task=task, groups=[groups[role.key] for role in ROLES if not role.reviews]
        )
    return groups


def grant_section_roles(section, *, apps=global_apps) -> int:
    """Give every site-wide role its permissions on a (new) section. Returns grants made.

    Roles whose group an administrator has deleted are skipped, not recreated.
    """
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    made = 0
    groups = Group.objects.in_bulk([role.group for role in ROLES], field_name="name")
    permissions = {}
    for role in ROLES:
        group = groups.get(role.group)
        if group is None:
            continue
        for action in role.section_pages:
            if action not in permissions:
                permissions[action] = _page_permission(apps, action)
            _, created = GroupPagePermission.objects.get_or_create(
                group=group, page_id=section.pk, permission=permissions[action]
            )
            made += created
    return made


def make_section_group(*, section, role_key: str):
    """An optional per-section group, e.g. "Editors of World": the role, in one section only.

    For a reviewing role the section gets its own review workflow (the site-wide reviewers plus
    this group), because Wagtail's approval tasks do not look at sections: members of a group
    on the site-wide task could approve articles anywhere.
    """
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, WorkflowPage

    role = BY_KEY[role_key]
    if not role.section_pages:
        raise ValueError(f"{role.group} are not a per-section role.")
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=f"{role.group} of {section.title}")
        _set_group(global_apps, group, role, section_ids=[section.pk], home_ids=[])
        if role.reviews:
            site_wide = GroupApprovalTask.objects.filter(
                name=TASK_NAME, workflow_tasks__workflow__name=WORKFLOW_NAME
            ).first()
            workflow, task = _approval_task(
                global_apps,
                workflow_name=f"{WORKFLOW_NAME}: {section.title}",
                task_name=f"{TASK_NAME}: {section.title}",
            )
            task.groups.add(group, *(site_wide.groups.all() if site_wide else ()))
            WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": workflow})
    return group
