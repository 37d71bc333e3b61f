"""The shipped gunicorn configuration: `gunicorn -c config/gunicorn.py config.wsgi`.

Sized from the CPUs this process may run on (README "Running at scale"):

- one worker process per CPU: a Django request is mostly Python, which holds the GIL, so more
  processes than cores only adds context switches and memory;
- 4 threads per worker (`gthread`): while one thread waits on the database, the cache or a slow
  client, another runs, and each thread keeps a keep-alive connection and a persistent database
  connection (`DJANGO_CONN_MAX_AGE`);
- `GUNICORN_WORKERS`, `GUNICORN_THREADS`, `GUNICORN_BIND` and `GUNICORN_TIMEOUT` override them.

A database connection is held per thread, so PostgreSQL sees at most workers × threads
connections per host.
"""

import os


def cpu_count() -> int:
    """CPUs this process may use (the affinity mask, which containers and taskset narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Keep-alive connections outlive a think time of a few seconds (exam autosave every 2-6 s).
keepalive = 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle workers now and then, jittered so that they never restart together.
max_requests = 20_000
max_requests_jitter = 2_000
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
