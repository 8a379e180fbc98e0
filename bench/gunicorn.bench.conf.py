"""The benchmarks' gunicorn settings, given with `-c` so that gunicorn does not pick up
the production ./gunicorn.conf.py, whose access log would print a line per request
between the figures. Errors still show."""

accesslog = None
