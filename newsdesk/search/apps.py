from django.apps import AppConfig


class SiteSearchConfig(AppConfig):
    # "site_search", not "search": wagtail.search already has the label "wagtailsearch" and
    # a bare "search" would be easy to confuse with it in migrations and the shell.
    name = "newsdesk.search"
    label = "site_search"
    verbose_name = "Site search"
