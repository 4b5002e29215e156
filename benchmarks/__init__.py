"""Benchmarks of the dossier builder, run from a checkout: `python build.py bench`."""
