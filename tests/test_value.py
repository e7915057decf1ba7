"Pruning by value: a run leaves out exactly the chosen interactions and is judged on the same rows as the full run."
import shutil
import pandas as pd
from recsys_nb.core import read_json, write_json
from recsys_nb.label import known_events, prune_pairs, run_stage as label_stage
from recsys_nb.testing import demo_run_dir
from recsys_nb.value import interaction_values

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
    chosen = prune_pairs(values, 'loss', 0.2)
    assert len(pruned) == len(chosen) > 0
    assert set(zip(pruned.user_id, pruned.item_id)) == set(zip(chosen.user_id, chosen.item_id))
    histories = pruned_splits[pruned_splits.split != 'test'].set_index('user_id').history.map(set)
    assert not any(item in histories.get(user, set()) for user, item in zip(pruned.user_id, pruned.item_id))
    assert pruned_splits.history.str.len().sum() < full.history.str.len().sum()
    events = known_events(pruned_run).merge(pruned, on=['user_id', 'item_id'])
    assert not (events.until.isna() | (events.timestamp < events.until)).any()  # none of their training events is read
    assert len(known_events(run).merge(pruned, on=['user_id', 'item_id'])) > len(events)
