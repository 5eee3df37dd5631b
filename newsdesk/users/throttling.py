"""What django-axes counts failed logins by: the account, and the client's network.

Counting the network (a /24 or /64, as the comment rate limits do) rather than the address
keeps one machine from trying passwords from every address of its block in turn.
"""

import ipaddress

from django.http import HttpRequest

from newsdesk.core.readers import client_ip, network_of


def login_network(request: HttpRequest) -> str | None:
    """The first address of the client's network, which is what axes stores and compares."""
    network = network_of(client_ip(request))
    if network == "unknown":
        return None
    return str(ipaddress.ip_network(network).network_address)
