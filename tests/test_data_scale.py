"The built-in market scales to a million events; chunked scoring gives the same top-K whatever the chunk."
import numpy as np
from recsys_nb.core import load_settings
from recsys_nb.data import synthetic_market
from recsys_nb.clean import clean_dataset
from recsys_nb.evaluate import CoocKNN, topk_in_chunks

def test_a_million_events():
    market = synthetic_market(n_users=14000, n_items=5000, seed=7)
    assert len(market.events) >= 1_000_000
    clean, report, _ = clean_dataset(market, load_settings())
    assert len(clean.events) + report[report.table == 'events'].dropped.sum() == len(market.events)

def test_chunking_does_not_change_the_ranking():
    rng = np.random.default_rng(0)
    hist = [list(rng.integers(0, 300, rng.integers(1, 10))) for _ in range(500)]
    knn = CoocKNN().fit(hist, 300)
    users = np.arange(500)
    a = topk_in_chunks(knn.score, users, hist, 20, True, chunk=37)
    b = topk_in_chunks(knn.score, users, hist, 20, True, chunk=500)
    assert (a == b).all()
