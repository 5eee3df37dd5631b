"""The newsroom's roles, declared once: what each group may do, and where.

`services.sync_roles` makes the database match this file; docs/roles.md explains it for people.
To change a role, edit it here and add a migration that runs `sync_roles` again.
"""

from __future__ import annotations

from dataclasses import dataclass

ACCESS_ADMIN = "wagtailadmin.access_admin"
# Image and document permissions are held per collection (on the root collection here).
# Wagtail checks images against `wagtailimages.*` whatever the custom image model is.
IMAGES_ADD = ("wagtailimages.add_image", "wagtailimages.choose_image")
IMAGES_ALL = (*IMAGES_ADD, "wagtailimages.change_image", "wagtailimages.delete_image")
DOCUMENTS_ADD = ("wagtaildocs.add_document", "wagtaildocs.choose_document")
DOCUMENTS_ALL = (*DOCUMENTS_ADD, "wagtaildocs.change_document", "wagtaildocs.delete_document")
SECTION_EDITING = ("add", "change", "publish", "lock", "unlock")
CORRECTIONS = (
    "corrections.add_articlenote",
    "corrections.change_articlenote",
    "corrections.view_articlenote",
    "corrections.withdraw_articlenote",
)


@dataclass(frozen=True)
class Role:
    key: str
    group: str
    summary: str
    permissions: tuple[str, ...] = (ACCESS_ADMIN,)
    section_pages: tuple[str, ...] = ()  # page actions granted on every section
    home_page: tuple[str, ...] = ()  # page actions on the home page, so on the whole site
    collections: tuple[str, ...] = ()
    reviews: bool = False  # approves or rejects in the "Editorial review" workflow


CONTRIBUTOR = Role(
    key="contributor",
    group="Contributors",
    summary="Writes and edits their own drafts and submits them for review; never publishes.",
    section_pages=("add",),
    collections=IMAGES_ADD,
)
WRITER = Role(
    key="writer",
    group="Writers",
    summary="Like a contributor, and may edit anyone's drafts in the sections; never publishes.",
    section_pages=("add", "change"),
    collections=IMAGES_ADD,
)
EDITOR = Role(
    key="editor",
    group="Editors",
    summary="Reviews, edits, publishes, schedules and unpublishes articles in the sections.",
    permissions=(ACCESS_ADMIN, *CORRECTIONS),
    section_pages=SECTION_EDITING,
    collections=(*IMAGES_ADD, "wagtailimages.change_image", *DOCUMENTS_ADD),
    reviews=True,
)
MANAGING_EDITOR = Role(
    key="managing",
    group="Managing editors",
    summary="Everything editors do, on the whole site: the front page, sections, people and "
    "standard pages; site settings and redirects.",
    permissions=(
        ACCESS_ADMIN,
        "comments.change_commentsettings",
        "core.change_breakingnews",
        *CORRECTIONS,
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
    ),
    home_page=SECTION_EDITING,
    collections=(*IMAGES_ALL, *DOCUMENTS_ALL),
    reviews=True,
)
MODERATOR = Role(
    key="moderator",
    group="Moderators",
    summary="Moderates reader comments; no page permissions.",
    permissions=(
        ACCESS_ADMIN,
        "comments.add_comment",
        "comments.change_comment",
        "comments.view_comment",
    ),
)

ROLES = (CONTRIBUTOR, WRITER, EDITOR, MANAGING_EDITOR, MODERATOR)
BY_KEY = {role.key: role for role in ROLES}

WORKFLOW_NAME = "Editorial review"
TASK_NAME = "Editor approval"
