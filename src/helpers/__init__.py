"""Helpers for the Viet Nam digital-government analysis: paths, raw data, parsing, cleaning, checks, charts, report."""
