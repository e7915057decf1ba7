"Loaders on the real data in ../shared/data (skipped, with the reason, where it is absent)."
import numpy as np
import pandas as pd
from conftest import SHARED, needs_shared
from recsys_nb.core import load_settings
from recsys_nb.data import amazon_sequences, homedepot
from recsys_nb.clean import clean_dataset
from recsys_nb.label import build_labels
from recsys_nb.evaluate import Popularity, encode_splits, evaluate_recommender

def published(path):
    df = pd.read_csv(path, sep='\t', dtype=str)
    return {u: (h.split(), t) for u, h, t in zip(df['user_id:token'], df['item_id_list:token_seq'], df['item_id:token'])}

def check_split(folder, stem):
    ds = amazon_sequences(folder, stem)
    splits, *_ = build_labels(ds, load_settings())
    for split in ('valid', 'test'):
        pub = published(folder/f'{stem}.{split}.inter')
        ours = splits[splits.split == split].set_index('user_id')
        assert len(ours) == len(pub)
        for u, (h, t) in pub.items():  # the published history is capped at 50 items: compare its length's worth
            assert ours.targets[u] == [t] and ours.history[u][-len(h):] == h, u
    return ds, splits

@needs_shared('amazon-scientific')
def test_scientific_split_is_the_published_one():
    ds, splits = check_split(SHARED/'amazon-scientific', 'Scientific')
    assert (len(ds.items), ds.events.user_id.nunique()) == (4385, 8442)
    # no cleaning rule reads the made-up timestamps as a bot: every one of the 8,442 users is evaluated
    clean, report, _ = clean_dataset(ds, load_settings())
    assert report.dropped.sum() == 0 and clean.events.user_id.nunique() == 8442
    # popularity on the published split, full catalogue: NDCG@10 ≈ 0.017–0.018
    enc, _ = encode_splits(splits, ds.items.item_id)
    recs = evaluate_recommender(Popularity(), enc, 'test', len(ds.items), [10], ['paper'], name='pop', progress=False)
    ndcg = [r['value'] for r in recs if r['metric'] == 'ndcg' and r['k'] == 10][0]
    assert 0.016 < ndcg < 0.019, ndcg

@needs_shared('amazon-games')
def test_games_split_is_the_published_one():
    ds, _ = check_split(SHARED/'amazon-games', 'Games-6k')
    assert (len(ds.items), ds.events.user_id.nunique()) == (16859, 50546)

@needs_shared('homedepot-search')
def test_homedepot_is_read_as_latin1():
    ds = homedepot(SHARED/'homedepot-search'/'train.csv')
    assert ds.meta['encoding'] == 'latin-1'
    assert (len(ds.items), ds.judgments['query'].nunique(), len(ds.judgments)) == (40739, 8226, 51529)
    assert ds.judgments.relevance.between(1, 3).all()
