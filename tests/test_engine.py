"The Ray Data engine (`run.engine = ray`, a local Ray of 2 CPUs) gives the local engine's results."
import json, subprocess
import numpy as np
import pandas as pd
import pytest
from conftest import BIN, TINY, TINY_BERT

ray = pytest.importorskip('ray', reason='the Ray engine is an optional extra: pip install -e .[ray]')
from recsys_nb.data import _CATALOGUE
from recsys_nb.engine import Engine, start_ray
from recsys_nb.evaluate import InnerProduct, topk_in_chunks
from recsys_nb.models import Encoder


@pytest.fixture(scope='module')
def ray_engine():
    start_ray(num_cpus=2)
    yield Engine('ray', actors=2)
    ray.shutdown()


def cosines(a, b): return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def test_top_k_lists_are_the_local_ones(ray_engine):
    rng = np.random.default_rng(0)
    user_vecs, item_vecs = rng.normal(size=(20_000, 16)), rng.normal(size=(700, 16))
    hist = [list(rng.choice(700, rng.integers(0, 12), replace=False)) for _ in range(20_000)]
    users = rng.permutation(20_000)[:15_000]  # rows of a split: not every user, not in order
    for mask in (False, True):
        local = topk_in_chunks(InnerProduct(user_vecs, item_vecs), users, [hist[u] for u in users], 50, mask)
        on_ray = topk_in_chunks(InnerProduct(user_vecs, item_vecs, ray_engine), users, [hist[u] for u in users], 50, mask)
        # the same lists, but for the order of (nearly) tied items: FAISS's sums depend on the block of users
        assert (on_ray == local).all(1).mean() >= 0.999
        scores = user_vecs[users] @ item_vecs.T
        np.testing.assert_allclose(np.take_along_axis(scores, on_ray, 1), np.take_along_axis(scores, local, 1), atol=1e-5)


def test_encoded_vectors_are_the_local_ones(ray_engine):
    texts = [f'{adjective} {noun}. {category}' for category, (nouns, adjectives, _) in _CATALOGUE.items()
             for noun in nouns for adjective in adjectives]
    local = Encoder(TINY_BERT, 32, 16, 'cpu').encode(texts, progress=False)
    on_ray = Encoder(TINY_BERT, 32, 16, 'cpu', engine=ray_engine).encode(texts, progress=False)
    assert cosines(local, on_ray).min() >= 0.9999


def test_the_built_in_market_through_ray(tiny_run, tmp_path):
    "The pipeline up to the score stage with run.engine = ray: the local run's vectors, top-K lists and figures."
    out = tmp_path/'ray_run'
    overrides = [*TINY, 'run.engine=ray', 'run.ray_actors=2']
    cmd = [str(BIN/'recsys-nb'), 'run', '--out', str(out), '--until', 'score'] + [a for o in overrides for a in ('--set', o)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    for vectors in ('finetune/base_item_embeddings.npy', 'embed/base_queries.npy'):
        assert cosines(np.load(tiny_run/vectors), np.load(out/vectors)).min() >= 0.9999, vectors
    # the same top-K lists up to the order of near ties: vectors that agree to ~1e-4 (bfloat16 sums, other thread
    # counts in the actors) may swap two items whose scores differ by less, so compare the scores rank by rank
    user_vecs, item_vecs = np.load(tiny_run/'pca'/'users_test.npy'), np.load(tiny_run/'pca'/'items.npy')
    scores = user_vecs @ item_vecs.T
    local, on_ray = np.load(tiny_run/'score'/'dense_top_test.npy'), np.load(out/'score'/'dense_top_test.npy')
    np.testing.assert_allclose(np.take_along_axis(scores, on_ray, 1), np.take_along_axis(scores, local, 1), atol=1e-3)
    assert np.mean([set(a) == set(b) for a, b in zip(local, on_ray)]) >= 0.95
    local = pd.DataFrame(json.loads((tiny_run/'results'/'score.json').read_text()))
    on_ray = pd.DataFrame(json.loads((out/'results'/'score.json').read_text()))
    keys = ['task', 'split', 'protocol', 'model', 'metric', 'k']
    both = local.merge(on_ray, on=keys, suffixes=('_local', '_ray'))
    assert len(both) == len(local) > 0
    np.testing.assert_allclose(both.value_ray, both.value_local, atol=0.01)


def test_candidates_and_recommend_all_are_the_local_ones(ray_engine, tiny_run, tmp_path):
    "The rank stage's candidate table and `recommend_all`, in blocks on Ray's actors: the local engine's, row for row."
    from recsys_nb.core import run_settings
    from recsys_nb.rank import split_candidates
    from recsys_nb.serve import Recommender
    cfg = run_settings(tiny_run)
    cfg['evaluate']['chunk_users'] = 16  # several blocks, so that their order matters
    local = split_candidates(tiny_run, 'test', cfg, progress=False)[0]
    cfg['run'].update(engine='ray', ray_actors=2)
    on_ray = split_candidates(tiny_run, 'test', cfg, progress=False)[0]
    assert local.row.nunique() > 16
    pd.testing.assert_frame_equal(on_ray, local)
    rec = Recommender.load(tiny_run)
    local = pd.read_parquet(rec.recommend_all(k=10, path=tmp_path/'local.parquet', chunk=16, progress=False, engine=Engine()))
    on_ray = pd.read_parquet(rec.recommend_all(k=10, path=tmp_path/'ray.parquet', chunk=16, progress=False,
                                               engine=ray_engine))
    assert local.user_id.nunique() > 16
    pd.testing.assert_frame_equal(on_ray, local)
