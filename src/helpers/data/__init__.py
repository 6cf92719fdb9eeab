"""Raw layer -> clean layer: read, parse, clean, check, audit and publish the data (`python -m helpers.data.pipeline`)."""
