"""Command-line entry points: `dl-opt`."""
