"""The clean step's work grows with its rows, not with their pairs: copies of the raw layer, with ids and quotes of
their own, cost the consistency checks as many more comparisons as there are copies. Counted, not timed, so that a
loaded machine cannot make the test fail or pass; `make bench` times the whole clean step at 1x, 10x and 100x."""
import pandas as pd
import pytest

from helpers import paths
from helpers.data import checks, clean, official, raw
from helpers.tools import scaling

FACTORS = (1, 10, 30)


@pytest.fixture(scope="module")
def population():
    return official.population_reference(official.official_indicators(), paths.OFFICIAL_RAW)


def comparisons(factor: int, folder, sources_dir, population, monkeypatch) -> tuple[int, pd.DataFrame]:
    """How many times the checks set a stated figure against another, on `factor` copies of the raw layer."""
    raw_dir, documents = scaling.scaled_raw_layer(factor, paths.DATA_RAW, sources_dir, folder)
    layer = raw.load_raw_layer(raw_dir, documents)
    vocabulary = layer.indicators
    cumulative = set(vocabulary.loc[vocabulary["cumulative"] == "true", "indicator"])
    share_of = dict(vocabulary.loc[vocabulary["share_of"] != "", ["indicator", "share_of"]].itertuples(index=False))
    counted = []
    compare = checks.fits
    monkeypatch.setattr(checks, "fits", lambda *bounds: counted.append(bounds) or compare(*bounds))
    findings = checks.run_checks(clean.clean_figures(layer), cumulative, share_of, population, vocabulary)
    return len(counted), findings


def test_the_checks_compare_as_many_more_pairs_as_there_are_copies(tmp_path, sources_dir, population, monkeypatch):
    counts, findings = {}, {}
    for factor in FACTORS:
        counts[factor], findings[factor] = comparisons(factor, tmp_path / f"{factor}x", sources_dir, population,
                                                       monkeypatch)
    assert counts[1] > 0
    # beyond the fixed start (the work on today's rows), linear work grows as the copies beyond the first do
    linear = (FACTORS[2] - 1) / (FACTORS[1] - 1)
    beyond = {factor: counts[factor] - counts[1] for factor in FACTORS[1:]}
    assert beyond[FACTORS[2]] <= linear * beyond[FACTORS[1]] * scaling.GROWTH_BOUND_10_TO_100 / 11, counts
    # and so do the findings: a copied claim is one more finding, not one per copy of the figures it is set against
    assert len(findings[FACTORS[2]]) == FACTORS[2] * len(findings[1]), {f: len(v) for f, v in findings.items()}
