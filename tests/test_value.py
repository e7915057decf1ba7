"Pruning by value: a run leaves out exactly the chosen interactions and is judged on the same rows as the full run."
import shutil
import pandas as pd
from recsys_nb.core import read_json, write_json
from recsys_nb.label import known_events, prune_pairs, run_stage as label_stage, time_cutoffs
from recsys_nb.testing import demo_run_dir
from recsys_nb.value import history_events, interaction_values

def test_pruning_keeps_the_rows_and_drops_the_chosen_interactions(tmp_path):
    run = demo_run_dir('score')
    values = interaction_values(run, valid_pairs=200)
    values.to_parquet(tmp_path/'values.parquet')
    pruned_run = tmp_path/'pruned'
    shutil.copytree(run, pruned_run)
    cfg = read_json(pruned_run/'settings.json')
    cfg['label'].update(values=str(tmp_path/'values.parquet'), value_method='loss', prune_lowest=0.2)
    write_json(cfg, pruned_run/'settings.json')
    label_stage(pruned_run)
    full, pruned_splits = (pd.read_parquet(r/'label'/'splits.parquet') for r in (run, pruned_run))
    same = ['user_id', 'split', 'cutoff']
    pd.testing.assert_frame_equal(full[same], pruned_splits[same])
    assert full.targets.map(list).tolist() == pruned_splits.targets.map(list).tolist()
    pruned = pd.read_parquet(pruned_run/'label'/'pruned.parquet')
    chosen = set(zip(*prune_pairs(values, 'loss', 0.2)[['user_id', 'item_id']].to_numpy().T))
    targets = full[full.split != 'train'].explode('targets')
    kept = set(zip(targets.user_id, targets.targets))  # a target stays in its user's history
    assert len(pruned) > 0 and set(zip(pruned.user_id, pruned.item_id)) == chosen - kept
    histories = pruned_splits[pruned_splits.split != 'test'].set_index('user_id').history.map(set)
    assert not any(item in histories.get(user, set()) for user, item in zip(pruned.user_id, pruned.item_id))
    assert pruned_splits.history.str.len().sum() < full.history.str.len().sum()
    events = known_events(pruned_run).merge(pruned, on=['user_id', 'item_id'])
    assert not (events.until.isna() | (events.timestamp < events.until)).any()  # none of their training events is read
    assert len(known_events(run).merge(pruned, on=['user_id', 'item_id'])) > len(events)

def test_a_time_split_trains_users_without_a_validation_row_only_until_its_cutoff():
    run = demo_run_dir('evaluate', ['label.split=time'])
    valid_cut, _ = time_cutoffs(pd.read_parquet(run/'clean'/'events.parquet'), 0.8, 0.9)
    rows, events = history_events(run, ['click', 'cart', 'purchase'], 'test', train_until=valid_cut)
    train_only = rows.split.to_numpy()[events.row] == 'train'
    assert train_only.any() and (events.timestamp[train_only] < valid_cut).all()
    assert (events.until.notna()).all()  # every pair's training events end at a cut-off
