"""The published page: executed notebooks and clean files rendered through a Jinja2 template."""
