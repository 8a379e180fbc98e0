"""Analysis, aggregates only: one audited release per survey (cells, the disclosure
audit, tables with their intervals), the labelled report that the dashboard, the
downloads, the JSON API, the needs report and the results block in mails all read,
and the trends across waves.

The views and the results block import the release and the report inside their
functions, so a process that only sends never loads them (nor pandas): keep this
file free of imports."""
