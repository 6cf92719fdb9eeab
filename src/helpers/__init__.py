"""Viet Nam's digital government in figures: the code the notebooks, make and the tests call.

The subpackages follow the flow of the analysis, and import only from stages before their own:

    paths, files, params   where every file is, how outputs are written, notebook parameter checks
    data/                  raw layer -> clean layer (parse, clean, checks, audit, official series, data package)
    analysis/              the clean layer read and shaped into views: selections, findings, indicator families
    charts/                views drawn and saved with the data behind them; what a notebook cell shows
    report/                the executed notebooks and clean files rendered into one HTML page
    run/                   executing notebooks (papermill, a process per notebook)
    tools/                 the environment lock and the benchmark
"""
