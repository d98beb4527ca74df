"""The same steps on a distributed engine (Dask) for corpora beyond one machine: ``newsdesk batch``.

Dask is an extra (``pip install 'newsdesk[scale]'``); importing this package does not load it.
"""
