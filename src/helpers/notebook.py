"""What a notebook cell calls to show a chart or its empty-state note, so cells stay one line each."""
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image, Markdown, display

from helpers import charts


def show_chart(fig, data: pd.DataFrame, name: str, figures_dir: Path, title: str, alt: str, source: str) -> None:
    """Save the chart with its data, then show it inline as PNG (nbval compares the text around it)."""
    png = charts.save_chart(fig, data, name, figures_dir, title, alt, source)
    plt.close(fig)
    display(Image(filename=str(png), alt=alt))


def show_empty(name: str, figures_dir: Path, title: str, message: str) -> None:
    charts.save_empty(name, figures_dir, title, message)
    display(Markdown(f"**{title}**: {message}"))


def show_findings(lines: list[str]) -> None:
    print("\n".join(lines))
