"""Helpers shared by tests and fuzz scripts (hypothesis strategies, differential runners).

Tests import from here because pytest's importlib mode cannot import one test file from
another. Nothing in the compiler imports this package.
"""
