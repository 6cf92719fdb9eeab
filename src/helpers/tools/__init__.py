"""Project tools outside the analysis: the environment lock and the benchmark."""
