"""The noise-detection table of a `value_noise.py` study from its runs' value tables (the pairs every method valued).

Computed here too, beside the stage's methods: KNN-Shapley on the concatenated vectors [user, item] (the stage uses
the product), Data-OOB with the paper's 0/1 score (the stage's default is the likelihood of the label) and the loss
baseline with class-balanced logistic regressions (as Data-OOB's): what the score and the balancing each add. Each
run's rows are kept in `<run>/value/detection.json`, so a run is measured once.
"""
import argparse
import json
from pathlib import Path
import numpy as np
import pandas as pd
from recsys_nb.core import run_settings, write_text
from sklearn.linear_model import LogisticRegression
from recsys_nb.value import (METHODS, data_oob, knn_shapley, loss_values, noise_detection, pair_features, pair_vectors,
                            training_pairs)

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument('--out', default='outputs/value-noise', help='the folder value_noise.py wrote its runs into')
args = parser.parse_args()
METHODS_HERE = [*METHODS, 'knn_shapley (concat)', 'data_oob (0/1)', 'loss (balanced)']
rows = []
for run in sorted(Path(args.out).glob('accidental*-seed*')):
    if not (run/'value'/'values.parquet').exists(): continue
    cached = run/'value'/'detection.json'
    stale = cached.exists() and json.loads(cached.read_text()).get('methods') != METHODS_HERE
    if not cached.exists() or stale:
        values, cfg = pd.read_parquet(run/'value'/'values.parquet'), run_settings(run)
        train, valid, histories = training_pairs(run, cfg['value']['valid_pairs'], cfg['label']['negative_sampling'],
                                                 cfg['value']['label'], cfg['run']['seed'])
        same_pairs = len(train) == len(values) and (train.user_id.to_numpy() == values.user_id.to_numpy()).all() \
            and (train.item.to_numpy() == values.item.to_numpy()).all()
        assert same_pairs, f'{run}: the value table is a sample of users; this study values every pair'
        train_x, valid_x = pair_vectors(run, train, 'concat'), pair_vectors(run, valid, 'concat')
        has, valid_has = ~np.isnan(train_x).any(1), ~np.isnan(valid_x).any(1)
        values['knn_shapley (concat)'] = np.nan
        values.loc[has, 'knn_shapley (concat)'] = knn_shapley(train_x[has], train.label[has], valid_x[valid_has],
                                                              valid.label[valid_has], cfg['value']['k'])
        features, seed = pair_features(run, train, histories), cfg['run']['seed']
        values['data_oob (0/1)'] = data_oob(features, train.label, cfg['value']['oob_models'], seed=seed,
                                            score='correct')
        balanced = LogisticRegression(max_iter=1000, class_weight='balanced')
        values['loss (balanced)'] = loss_values(features, train.label, model=balanced, seed=seed)
        judged = values.in_history.to_numpy() & values[METHODS_HERE].notna().all(axis=1).to_numpy()
        noisy = (values.noise != '').to_numpy()[judged]
        found = [dict(method=m, **noise_detection(values[m].to_numpy()[judged], noisy), noisy=int(noisy.sum()),
                      judged=int(judged.sum()), interactions=int(values.in_history.sum())) for m in METHODS_HERE]
        cached.write_text(json.dumps(dict(share=cfg['synthetic']['accidental_click_share'], seed=cfg['run']['seed'],
                                          methods=METHODS_HERE, rows=found)))
    found = json.loads(cached.read_text())
    rows += [dict(share=found['share'], seed=found['seed'], **r) for r in found['rows']]
table = pd.DataFrame(rows)
cell = lambda s: f'{s.mean():.3f} [{s.min():.3f}, {s.max():.3f}]'
summary = table.groupby(['share', 'method']).agg(seeds=('seed', 'nunique'), auc=('auc', cell), f1=('f1', cell),
                                                 noisy=('noisy', 'mean'), judged=('judged', 'mean'))
per_seed = table.pivot_table(index=['share', 'seed'], columns='method', values='auc')
write_text('\n\n'.join(['Each cell: mean [min, max] over seeds; judged among the pairs in a history every method valued.',
                        summary.to_markdown(), 'AUC per seed:', per_seed.to_markdown(floatfmt='.3f')]),
           Path(args.out)/'detection.md')
print(summary.to_string())
print(per_seed.round(3).to_string())
