"""Noisy-interaction study on the built-in market: seeds × accidental-click shares, bot rule off.

Runs the pipeline to `pca` and the value stage for each; `value_noise_table.py --out OUT` then makes the detection
table. This script writes the fast recommender's pruning curves of every run (`OUT/pruning.md`).
"""
import argparse
from pathlib import Path
import pandas as pd
from recsys_nb.core import write_text
from recsys_nb.runner import run_pipeline
from recsys_nb.value import run_stage

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument('--out', default='outputs/value-noise', help='folder of the runs and the tables')
parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
parser.add_argument('--shares', type=float, nargs='+', default=[0.05, 0.1], help='shares of clicks that are accidental')
parser.add_argument('--set', nargs='*', default=[], help='more settings, section.key=value')
args = parser.parse_args()
out = Path(args.out)
curves = []
for share in args.shares:
    for seed in args.seeds:
        run = out/f'accidental{share:g}-seed{seed}'
        run_pipeline('synthetic', run, [f'run.seed={seed}', f'synthetic.accidental_click_share={share}',
                                        'clean.bot_min_events=1000000000', *args.set], until='pca')
        curves.append(run_stage(run)['curves'].assign(share_noise=share, seed=seed))
curves = pd.concat(curves, ignore_index=True)
cell = lambda s: f'{s.mean():.4f} [{s.min():.4f}, {s.max():.4f}]'
pruned = curves.groupby(['share_noise', 'split', 'method', 'order', 'share']).ndcg.agg(cell).unstack('share')
write_text(f'Seeds {args.seeds}; fast recommender NDCG@10 after pruning, mean [min, max] over seeds.\n\n'
           + pruned.to_markdown(), out/'pruning.md')
print(pruned.to_string())
