"""The newsroom's groups, their permissions and the "Editorial review" workflow.

The roles are declared in newsdesk/newsroom/roles.py; this runs the same idempotent sync that a
later migration would run after a role changes. Sections that already exist get their grants
here; sections made later get them from the post_save handler in signals.py.
"""

from django.db import migrations


def sync(apps, schema_editor):
    from newsdesk.newsroom.services import sync_roles

    sync_roles(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_create_homepage"),
        ("comments", "0001_initial"),
        ("core", "0001_initial"),
        ("corrections", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Undoing keeps the groups: people may have been added to them.
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
