"""The clean layer read and shaped for the notebooks: selections, findings as sentences, indicator families."""
