"""Reader identity without personal data: networks, keyed hashes, same-origin checks."""

from django.test import RequestFactory, override_settings

from newsdesk.core.readers import browser_hash, client_ip, network_hash, network_of, same_origin

rf = RequestFactory()


def test_networks_group_neighbours_and_hide_the_address():
    assert network_of("203.0.113.77") == "203.0.113.0/24"
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert network_of("not an ip") == "unknown"
    a = rf.get("/", REMOTE_ADDR="203.0.113.77")
    b = rf.get("/", REMOTE_ADDR="203.0.113.9")
    c = rf.get("/", REMOTE_ADDR="198.51.100.9")
    assert network_hash(a) == network_hash(b) != network_hash(c)
    assert "203.0.113" not in network_hash(a)


def test_browser_hash_tells_browsers_apart_on_one_network():
    a = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox")
    b = rf.get("/", REMOTE_ADDR="203.0.113.8", HTTP_USER_AGENT="Chromium")
    assert browser_hash(a) != browser_hash(b)
    assert len(browser_hash(a)) == 64


@override_settings(CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_client_ip_behind_a_proxy_takes_the_last_hop():
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.4")
    assert client_ip(request) == "198.51.100.4"


def test_client_ip_without_proxy_ignores_forwarded_headers():
    request = rf.get("/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert client_ip(request) == "192.0.2.5"


def test_same_origin():
    host = {"HTTP_HOST": "news.example"}
    assert same_origin(rf.post("/", HTTP_ORIGIN="https://news.example", **host))
    assert same_origin(rf.post("/", HTTP_REFERER="https://news.example/world/x/", **host))
    assert not same_origin(rf.post("/", HTTP_ORIGIN="https://evil.example", **host))
    assert not same_origin(rf.post("/", HTTP_ORIGIN="null", **host))
    assert not same_origin(rf.post("/", **host))
    assert not same_origin(
        rf.post("/", HTTP_ORIGIN="https://news.example", HTTP_SEC_FETCH_SITE="cross-site", **host)
    )
