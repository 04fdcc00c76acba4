"""`manage.py bench`: the performance figures, on synthetic data in a scratch database.

- ``figures``: the scales and the one-line-per-figure output;
- ``scratch``: where the synthetic database lives (never the user's), cached by its parameters;
- ``data``: 100,000 requests and 1,000,000 history rows, written in bulk;
- ``pages``: dashboard, list and request page through Django's test client, as a Manager;
- ``sweep``: the deadline sweep (bench_sweep's benchmark function) over every open request;
- ``packdata`` and ``pack``: a 1,000-page pack (text and scans) rendered by the chunked renderer on one
  and on two processes, beside a naive single-document WeasyPrint render of the same content.

The benchmark is not a test: CI does not run it. tests/test_bench_smoke.py runs it at a tiny scale.
"""
