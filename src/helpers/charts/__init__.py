"""Views drawn in the project's one style and saved with the data behind them; what a notebook cell shows."""
