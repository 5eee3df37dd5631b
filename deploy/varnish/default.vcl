vcl 4.1;
#
# Varnish 7.1 in front of Newsdesk (gunicorn). See docs/caching.md.
#
# - Public pages are cached for the application's s-maxage; readers' cookies are stripped on
#   every path except the admin and the reader-interaction endpoints below.
# - Logged-in editors (a session cookie), Authorization and non-GET requests pass.
# - Grace: a stale copy is served for a minute while a fresh one is fetched, for a day when
#   the application is down or answers with an error.
# - PURGE <url> (wagtail.contrib.frontend_cache) and BAN with an X-Cache-Tags header naming
#   tags (newsdesk.caching.backends.VarnishBackend), from the `purgers` ACL only.
# - X-Cache-Tags is stripped before delivery; X-Cache says HIT or MISS.
# - X-Request-ID: kept if sane, else made from the transaction id; hits answer with their own.
#
# To deploy: point the backend at the application, add the application servers' addresses
# to `purgers` if they are not on this machine, and set VARNISH_URL for the application.

import std;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    # Liveness, answered before Django (newsdesk/caching/wsgi.py): whatever the Host.
    .probe = {
        .request = "GET /healthz HTTP/1.1"
            "Host: localhost"
            "User-Agent: Varnish health probe"
            "Connection: close";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
        .initial = 3;
    }
}

# Who may PURGE and BAN: the application on this machine.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # One id per request from the edge on, for the application's logs (docs/deployment.md):
    # the client's or load balancer's if it looks like one, else Varnish's own.
    if (req.http.X-Request-ID !~ "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$") {
        set req.http.X-Request-ID = "varnish-" + req.xid;
    }
    # One object per host, whatever port readers came in on.
    set req.http.Host = regsub(req.http.Host, ":[0-9]+$", "");
    unset req.http.X-Cacheable;
    if (req.restarts == 0) {
        unset req.http.X-Stale-Retry;
    }

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (purge);
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        # Tags are [a-z0-9-] words separated by single spaces: nothing else reaches the regex.
        if (req.http.X-Cache-Tags !~ "^[a-z0-9-]+( [a-z0-9-]+)*$") {
            return (synth(400, "X-Cache-Tags must name tags"));
        }
        # Only obj.* in the expression: the ban lurker clears matching objects in the
        # background instead of every request testing them.
        ban("obj.http.X-Cache-Tags ~ (^|\s)(" + regsuball(req.http.X-Cache-Tags, " ", "|") + ")(\s|$)");
        return (synth(200, "Banned"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin and reader interactions need their cookies and are never cached.
    if (req.url ~ "^/(admin|django-admin|comments|ratings|preview|views)(/|\?|$)") {
        return (pass);
    }
    # Logged-in editors: straight to the application, with their cookies.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;)\s*sessionid=") {
        return (pass);
    }
    # Public pages never read a cookie: without them, every reader shares one copy.
    unset req.http.Cookie;

    # Stale-while-revalidate while the application is healthy; stale-if-error when it is
    # not, or when it just failed this request (see vcl_deliver).
    if (req.http.X-Stale-Retry || !std.healthy(req.backend_hint)) {
        set req.grace = 24h;
    } else {
        set req.grace = 60s;
    }
    set req.http.X-Cacheable = "1";
    return (hash);
}

sub vcl_hash {
    # Pages behind TLS may link differently: keep them apart from plain HTTP ones.
    if (req.http.X-Forwarded-Proto) {
        hash_data(req.http.X-Forwarded-Proto);
    }
}

sub vcl_backend_fetch {
    unset bereq.http.X-Cacheable;
    unset bereq.http.X-Stale-Retry;
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        if (bereq.is_bgfetch) {
            # Keep serving the stale copy rather than replacing it with an error.
            return (abandon);
        }
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Text the application sends uncompressed (its page cache sends stored pages gzipped
    # already): store it gzipped (a third of the memory) and send it so; Varnish gunzips on
    # delivery for the rare client that does not accept gzip.
    if (!beresp.http.Content-Encoding && beresp.http.Content-Type ~ "(?i)^(text/|application/(([a-z.+-]*\+)?(xml|json)|javascript)|image/svg\+xml)") {
        set beresp.do_gzip = true;
    }
    # Only what the application marked cacheable (Cache-Control), never Varnish's default TTL.
    if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # How long a copy may be served stale: the longest grace a request asks for.
    set beresp.grace = 24h;
    # And kept past that for conditional requests to the application (304s).
    set beresp.keep = 1h;
    # The rest (s-maxage, private, Set-Cookie, no-store) is Varnish's built-in logic.
}

sub vcl_deliver {
    # The application failed a cacheable request: look again, accepting a day-old copy.
    if (resp.status >= 500 && req.http.X-Cacheable && req.restarts == 0) {
        set req.http.X-Stale-Retry = "1";
        return (restart);
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.X-Cache-Tags;
    # A stored copy carries the id of the request that fetched it: answer with this one's.
    if (obj.hits > 0) {
        set resp.http.X-Request-ID = req.http.X-Request-ID;
    }
}

sub vcl_synth {
    # A fetch that failed outright (application down) ends here: same second look.
    if (resp.status == 503 && req.http.X-Cacheable && req.restarts == 0) {
        set req.http.X-Stale-Retry = "1";
        return (restart);
    }
}
