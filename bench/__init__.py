"""Benchmarks: `make bench` (or `.venv/bin/python -m bench [names...]`).

Each module here registers benchmarks with ``@harness.benchmark(name, title)``: a function
that takes a ``harness.Context`` and returns a ``harness.Report`` of tables and notes. To add
one, write ``bench/<subject>.py`` and list it in ``MODULES`` in ``bench/__main__.py``. Import
Django models inside the function: the modules are imported before Django is set up.

The harness prepares a PostgreSQL database of its own (``newsdesk_bench``), migrates it,
loads the demo once and makes sure the generated corpus (``bench/corpus.py``, 100,000
articles by default) is there; results are printed and written to ``bench/RESULTS.md``.
"""
