"""Gunicorn's configuration for this site: ``gunicorn -c config/gunicorn.conf.py``.

Every value can be changed from the environment (the names are below, beside each setting)
without editing this file. The application keeps nothing in one process's memory (sessions,
cache, rate limits, sign-in lockouts and locks are in PostgreSQL or Redis), so any number of
workers on any number of machines serve the same site behind a proxy.

Run it behind a proxy (nginx, a load balancer) that terminates TLS and buffers slow clients:
the sync workers below each serve one request at a time, so a client sending slowly must not
hold one. See README, "Deployment".
"""

import multiprocessing
import os
import re


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "config.wsgi:application"

# Where to listen: a loopback port for a proxy on the same machine, or 0.0.0.0:8000 in a
# container behind a load balancer.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Worker processes: GUNICORN_WORKERS, or WEB_CONCURRENCY (the common name), else twice the
# cores plus one, gunicorn's own advice for sync workers.
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Threads per worker: 1 is plain sync workers; more (gthread) for many slow requests.
threads = _int("GUNICORN_THREADS", 1)
if threads > 1:
    worker_class = "gthread"

# Seconds a request may take before its worker is killed and replaced. The largest
# document (a register of thousands, all certificates) is built by the task worker, not in a
# request, so 30 s is ample; raise GUNICORN_TIMEOUT only with a reason.
timeout = _int("GUNICORN_TIMEOUT", 30)
# Seconds a worker has to finish its requests on a restart (SIGHUP, deploys) before it is
# killed.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds a connection is kept open for the proxy's next request.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Replace each worker after this many requests (plus up to the jitter), so slow leaks in any
# library never grow unbounded. 0 turns it off.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Load the application once in the master, before forking: faster starts and less memory.
# Database connections are opened per worker, after the fork, by Django.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}

# Behind a proxy on another machine, set FORWARDED_ALLOW_IPS to its address so gunicorn
# believes its X-Forwarded-Proto (the application reads X-Forwarded-For itself, by
# TRUSTED_PROXY_COUNT).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to standard error, for journald or the container's log collector. The access log
# writes the path without its query string (a roster search may hold a name or an address)
# and with the secret of every personal link blanked (logger_class below): personal pages
# and feeds carry their token in the path. GUNICORN_ACCESS_LOG=off turns it off.
accesslog = None if os.environ.get("GUNICORN_ACCESS_LOG", "-") == "off" else "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

_SECRET_IN_PATH = re.compile(
    r"(/r/|/t/|/feeds/people/|/feeds/trainers/|/api/v1/personal/|/api/v1/trainer-links/"
    r"|/certificates/|/checkin/\d+/|/accounts/password-reset/[^/\s?\"']+/)[^/\s?\"'.]+"
)


def _hiding_logger():
    from gunicorn.glogging import Logger

    class HidePersonalLinks(Logger):
        """Gunicorn's logger, with personal tokens in paths replaced by "…"."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("U", "r"):
                if atoms.get(key):
                    atoms[key] = _SECRET_IN_PATH.sub(r"\1…", atoms[key])
            # The query string and the referer (a personal page's address) are never written,
            # whatever format is configured.
            atoms["q"] = atoms["f"] = atoms["{referer}i"] = atoms["{query_string}e"] = "-"
            atoms["{raw_uri}e"] = atoms["{path_info}e"] = atoms["U"]
            return atoms

    return HidePersonalLinks


logger_class = _hiding_logger()
