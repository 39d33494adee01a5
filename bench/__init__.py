"""Benchmarks: each reports ratios against a baseline measured in the same run (not timed tests)."""

# The app's package first: it sets numpy's threading as the app runs it (OPENBLAS_NUM_THREADS) before anything
# measured here can load numpy.
import desktop_app  # noqa: F401
