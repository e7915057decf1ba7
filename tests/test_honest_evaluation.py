"Honest numbers: the built-in market does not leak a target into what models read, and no choice reads a test record."
import shutil
import numpy as np
import pandas as pd
import pytest
from conftest import TINY
from recsys_nb.core import load_settings
from recsys_nb.testing import demo_run_dir
from recsys_nb.clean import clean_dataset
from recsys_nb.data import synthetic_market
from recsys_nb.evaluate import Popularity, encode_splits, evaluate_rows, interaction_matrix, leak_probes
from recsys_nb.label import build_labels, training_histories

def per_row_ndcg(score_fn, rows, pop):
    "Each test row's product-protocol NDCG@10."
    from recsys_nb.evaluate import hit_matrix, topk_in_chunks
    top = topk_in_chunks(score_fn, np.arange(len(rows)), list(rows.history), 10, mask_history=True)
    hits = hit_matrix(top, list(rows.targets))
    return (hits / np.log2(np.arange(2, 12))).sum(1)

def probes_against_popularity(cutoff):
    "Per probe: its per-row NDCG@10 minus popularity's, on the test rows of a 600-user built-in market."
    cfg = load_settings(overrides=[f'label.cutoff={cutoff}'])
    market, _, _ = clean_dataset(synthetic_market(n_users=600, n_items=400, n_weeks=6, seed=7), cfg)
    splits, *_ = build_labels(market, cfg)
    enc, _ = encode_splits(splits, market.items.item_id)
    rows = enc[(enc.split == 'test') & (enc.targets.str.len() > 0)].reset_index(drop=True)
    pop = Popularity().fit(list(training_histories(enc, 'test').history), len(market.items)).pop
    base = per_row_ndcg(lambda r, h: np.broadcast_to(pop, (len(r), len(pop))), rows, pop)
    probes = leak_probes(market.events, rows, market.items.item_id)
    return {name: per_row_ndcg(lambda r, h, m=m: m[r].toarray(), rows, pop) - base for name, m in probes.items()}

def test_leak_probes_score_no_better_than_popularity():
    for name, gain in probes_against_popularity('session').items():
        chance = 2 * gain.std(ddof=1) / np.sqrt(len(gain))  # two standard errors of the paired difference
        assert gain.mean() < chance, f"{name} beats popularity by {gain.mean():.4f} (chance: {chance:.4f}): a leak"

def test_the_probes_catch_a_leaky_cutoff():
    gain = probes_against_popularity('event')['target_session']  # the target's own session visible: the old leak
    assert gain.mean() > 0.1

def test_new_and_launched_items_are_not_seen_before_their_time():
    cfg = load_settings(overrides=['label.new_items_share=0.1', 'label.launched_items_share=0.1'])
    market, _, _ = clean_dataset(synthetic_market(n_users=600, n_items=400, n_weeks=6, seed=7), cfg)
    splits, labels, _, new, _, _, launched = build_labels(market, cfg)
    new, launched_items = set(new), set(launched.item_id)
    assert len(new) == 40 and launched_items and not new & launched_items
    def seen(split): return {i for h in training_histories(splits, split).history for i in h}
    assert not seen('valid') & (new | launched_items)  # validation's models know neither
    assert not seen('test') & new and seen('test') & launched_items  # launched items are known from the cut-off on
    valid_targets = {t for ts in splits[splits.split == 'valid'].targets for t in ts}
    assert not valid_targets & new and valid_targets & launched_items  # validation learns from launched targets
    assert not set(labels.item_id) & (new | launched_items)  # the interest labels are training events only

@pytest.fixture(scope='module')
def twin_runs(tmp_path_factory):
    "The same tiny run twice, the second with every test target replaced by another item before evaluate."
    root = tmp_path_factory.mktemp('twins')
    overrides = [o for o in TINY if not o.startswith('synthetic.n_judged')]
    a = demo_run_dir('evaluate', overrides, root/'a')
    b = root/'b'
    shutil.copytree(a, b)
    splits = pd.read_parquet(b/'label'/'splits.parquet')
    items = pd.read_parquet(b/'clean'/'items.parquet').item_id.to_numpy()
    rng = np.random.default_rng(0)
    test = (splits.split == 'test').to_numpy()
    splits.loc[test, 'targets'] = pd.Series([[items[rng.integers(len(items))]] for _ in range(test.sum())], index=splits.index[test])
    splits.to_parquet(b/'label'/'splits.parquet')
    import importlib
    for stage in ('evaluate', 'finetune', 'embed', 'pca', 'score', 'rank'):
        for run in (a, b): importlib.import_module(f'recsys_nb.{stage}').run_stage(run)
    return a, b

def validation_reads(run):
    "Every figure a choice can read: the choices, and every validation record."
    import json
    res = pd.concat([pd.DataFrame(json.loads(p.read_text())) for p in sorted((run/'results').glob('*.json'))], ignore_index=True)
    res = res[(res.task == 'choice') | res.split.fillna('').str.startswith('valid')]
    model = json.loads((run/'finetune'/'model.json').read_text())
    return res.reset_index(drop=True), {k: v for k, v in model.items() if 'valid' in k}

def test_no_choice_reads_a_test_record(twin_runs):
    (res_a, model_a), (res_b, model_b) = map(validation_reads, twin_runs)
    choice_a, choice_b = res_a[res_a.task == 'choice'], res_b[res_b.task == 'choice']
    assert len(choice_a)
    pd.testing.assert_frame_equal(choice_a, choice_b)  # every choice is the same, exactly
    # Validation figures may differ in the last bits: BLAS results depend on memory alignment, which can flip a
    # near-tie at rank 20 (seen on the 2-core CI machine: one novelty@20 moved by 8e-5). A leak moves them far more.
    pd.testing.assert_frame_equal(res_a, res_b, check_exact=False, rtol=1e-3)
    assert model_a.keys() == model_b.keys()
    assert np.allclose(list(model_a.values()), list(model_b.values()), rtol=1e-3)
    test_a = pd.read_parquet(twin_runs[0]/'label'/'splits.parquet').query("split == 'test'").targets.tolist()
    test_b = pd.read_parquet(twin_runs[1]/'label'/'splits.parquet').query("split == 'test'").targets.tolist()
    assert test_a != test_b  # the twins differ in their test targets only
