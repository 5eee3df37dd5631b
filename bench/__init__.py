"""Benchmarks: `make bench` (or `.venv/bin/python -m bench [names...]`).

Each module here registers benchmarks with ``@harness.benchmark(name, title)``: a function
that takes a ``harness.Context`` and returns a ``harness.Report`` of tables and notes. To add
one, write ``bench/<subject>.py`` and list it in ``MODULES`` in ``bench/__main__.py``. Import
Django models inside the function: the modules are imported before Django is set up.

The harness prepares a PostgreSQL database of its own (``newsdesk_bench``), migrates it,
loads the demo once and makes sure the generated corpus (``bench/corpus.py``, 100,000
articles by default) is there; results are printed and written to ``bench/RESULTS.md``.

The side-by-side benchmarks start their own servers on free loopback ports (``servers.py``):
``throughput`` (wrk against Newsdesk's page cache in gunicorn, Varnish, nginx serving the same
bytes and a stock Wagtail site from PyPI built once in ``var/bench/stock-wagtail``, see
``peer.py``), ``firstview`` (bytes of a first visit), ``lighthouse`` (npm's lighthouse in
``var/bench/lighthouse`` driving the system Chromium), ``publish`` (publish-to-visible) and
``load`` (locust's readers, searchers, commenters and editors on the production stack, see
``load.py``).
They need wrk, varnishd, nginx (``apt-get install wrk varnish nginx-light``), Redis, Node and
Chromium, and say which is missing. ``BENCH_DURATION=2`` shortens each wrk run (default 10 s)
and ``BENCH_ROUNDS=1`` measures once instead of five times: one disturbed
round out of three moved a median by a tenth on this machine.
"""
