"""Helpers for the Viet Nam digital-government analysis: paths, raw data, parsing, cleaning, checks, charts, report."""
import sys

# jsonschema imports rfc3987_syntax when it is installed, which compiles a grammar for about a
# second; nbformat imports jsonschema in every notebook runner and the report. The project checks
# no IRIs, so the module is kept out (jsonschema then simply leaves out the 'iri' format check).
sys.modules.setdefault("rfc3987_syntax", None)
