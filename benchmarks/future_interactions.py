"""How much of what a test row's models learn from is dated at or after the row's cut-off (other users' events).

    .venv/bin/python benchmarks/future_interactions.py --run outputs/synthetic

Under leave-one-out each user is cut at their own last sessions, so the training histories of a test row's models
(every other user's test history and the train-only users' sequences) can hold interactions dated after the row's
cut-off, some with the row's own target. For each test row: does its target have a training interaction at or after
the row's cut-off; what share of the targets' training interactions is dated later; for how many rows is the target
known only from later ones. Meaningful only where the data has real times (not Amazon's order-only files).
"""
import argparse
import numpy as np
import pandas as pd
from recsys_nb.core import as_list, run_settings

p = argparse.ArgumentParser()
p.add_argument('--run', default='outputs/synthetic')
run = p.parse_args().run
cfg = run_settings(run)
events = pd.read_parquet(f'{run}/clean/events.parquet', columns=['user_id', 'item_id', 'event', 'timestamp'])
events = events[events.event.astype(str).isin(as_list(cfg['label']['interaction_events']))]
splits = pd.read_parquet(f'{run}/label/splits.parquet')
test = splits[splits.split == 'test']
events = events.assign(cut=events.user_id.map(test.set_index('user_id').cutoff))
# what training reads: each user's interactions before their own test cut-off (all of a train-only user's)
visible = events[events.cut.isna() | (events.timestamp < events.cut)]
times = visible.groupby('item_id').timestamp.apply(lambda t: np.sort(t.to_numpy()))
later, total = [], []
for item, cut in zip(test.targets.str[0], test.cutoff.to_numpy()):
    t = times.get(item, np.array([], 'datetime64[ns]'))
    total.append(len(t))
    later.append(len(t) - np.searchsorted(t, cut, side='left'))
later, total = np.array(later), np.array(total)
print(f"{run}: {len(test)} test rows")
print(f"target has a training interaction at or after the row's cut-off: {100 * (later > 0).mean():.1f}%")
print(f"share of the targets' training interactions dated later: {100 * later.sum() / max(total.sum(), 1):.1f}%")
print(f"target known only from later ones: {100 * ((total > 0) & (later == total)).mean():.1f}%")
