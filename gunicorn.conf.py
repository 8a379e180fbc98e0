"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.
The access log masks personal tokens in paths (core.access_log)."""

accesslog = "-"
workers = 4
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_tokens": {"()": "core.access_log.MaskTokens"}},
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "filters": ["mask_tokens"],
            "stream": "ext://sys.stdout",
        },
        "error": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
    },
    # gunicorn merges this into its defaults key by key: its root logger names a
    # "console" handler that our "handlers" replace, so the root must be ours too.
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.access": {
            "handlers": ["access"],
            "level": "INFO",
            "propagate": False,
        },
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}
