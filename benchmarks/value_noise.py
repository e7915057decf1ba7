"""Noisy-interaction detection and pruning on the built-in market: seeds × accidental-click shares, bot rule off."""
import argparse
from pathlib import Path
import numpy as np
import pandas as pd
from recsys_nb.core import run_settings, write_text
from recsys_nb.runner import run_pipeline
from recsys_nb.value import METHODS, knn_shapley, noise_detection, pair_vectors, run_stage, training_pairs

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument('--out', default='outputs/value-noise', help='folder of the runs and the tables')
parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
parser.add_argument('--shares', type=float, nargs='+', default=[0.05, 0.1], help='shares of clicks that are accidental')
parser.add_argument('--set', nargs='*', default=[], help='more settings, section.key=value')
args = parser.parse_args()
out = Path(args.out)
detection, curves = [], []
for share in args.shares:
    for seed in args.seeds:
        run = out/f'accidental{share:g}-seed{seed}'
        run_pipeline('synthetic', run, [f'run.seed={seed}', f'synthetic.accidental_click_share={share}',
                                        'clean.bot_min_events=1000000000', *args.set], until='pca')
        results = run_stage(run)
        values, curve, cfg = results['values'], results['curves'], run_settings(run)
        # judged among the pairs in a history that every method valued, as the stage does
        interactions = values.in_history.to_numpy() & values[list(METHODS)].notna().all(axis=1).to_numpy()
        noisy = (values.noise != '').to_numpy()[interactions]
        # KNN-Shapley on the concatenated vectors too (the stage uses the product): which representation finds more
        train, valid, _ = training_pairs(run, cfg['value']['valid_pairs'], cfg['label']['negative_sampling'],
                                         cfg['value']['label'], cfg['run']['seed'])
        train_x, valid_x = pair_vectors(run, train, 'concat'), pair_vectors(run, valid, 'concat')
        has, valid_has = ~np.isnan(train_x).any(1), ~np.isnan(valid_x).any(1)
        concat = np.full(len(train), np.nan)  # NaN where the product has NaN too: a user without a validation vector
        concat[has] = knn_shapley(train_x[has], train.label[has], valid_x[valid_has], valid.label[valid_has],
                                  cfg['value']['k'])
        for method, scores in [*((m, values[m]) for m in METHODS), ('knn_shapley (concat)', concat)]:
            found = noise_detection(np.asarray(scores)[interactions], noisy)
            detection.append(dict(share=share, seed=seed, method=method, auc=found['auc'], f1=found['f1'],
                                  noisy=int(noisy.sum()), interactions=int(interactions.sum())))
        curves.append(curve.assign(share_noise=share, seed=seed))
        print(pd.DataFrame(detection).tail(len(METHODS) + 1).to_string(), flush=True)
detection, curves = pd.DataFrame(detection), pd.concat(curves, ignore_index=True)
detection.to_parquet(out/'detection.parquet')
curves.to_parquet(out/'pruning.parquet')
cell = lambda s: f'{s.mean():.3f} [{s.min():.3f}, {s.max():.3f}]'
table = detection.groupby(['share', 'method'], sort=False).agg(auc=('auc', cell), f1=('f1', cell),
                                                                 noisy=('noisy', 'mean'),
                                                                 interactions=('interactions', 'mean'))
pruned = curves.groupby(['share_noise', 'split', 'method', 'order', 'share']).ndcg.agg(cell).unstack('share')
write_text('\n\n'.join([f'Seeds {args.seeds}; each cell: mean [min, max] over seeds.', table.to_markdown(),
                        'Fast recommender NDCG@10 after pruning (share of interactions left out):',
                        pruned.to_markdown()]), out/'summary.md')
print(table.to_string())
print(pruned.to_string())
