vcl 4.1;
# Varnish in front of the two example-site instances started by
# scripts/cluster.sh (loopback only). scripts/cluster.sh substitutes the
# @PORT_A@ / @PORT_B@ placeholders before starting varnishd.
#
# Caching rules are Varnish's built-in ones: a request with a Cookie or
# Authorization header is passed to the site, and a response with Set-Cookie,
# "Cache-Control: private/no-store" or no positive TTL is not stored. The
# site's own Cache-Control (s-maxage) decides what is cached and for how long;
# Wagtail's frontend_cache purges pages when they change.

import directors;
import std;

backend app_a {
    .host = "127.0.0.1";
    .port = "@PORT_A@";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

backend app_b {
    .host = "127.0.0.1";
    .port = "@PORT_B@";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

acl purgers {
    "127.0.0.1";
}

sub vcl_init {
    new site = directors.round_robin();
    site.add_backend(app_a);
    site.add_backend(app_b);
}

sub vcl_recv {
    set req.backend_hint = site.backend();
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "PURGE not allowed"));
        }
        return (purge);
    }
}

sub vcl_hash {
    # One site: the object is keyed on the path alone, so a purge sent with
    # the Site's hostname (Wagtail's Host header) drops what visitors fetched
    # under any name of the loopback address.
    hash_data(req.url);
    return (lookup);
}

sub vcl_deliver {
    # For scripts/cluster/scenarios.py: was this a hit, and how often.
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    set resp.http.X-Cache-Hits = obj.hits;
}
