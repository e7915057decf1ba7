"""The choices behind the value stage's noise finding, read on one run of the built-in market (the default: seed 42,
3% accidental clicks, bot rule on; none of the noise study's seeds): how well each method finds the known noisy
interactions with the features' own item kept or left out, the history length with or without the pair, Data-OOB's
score (0/1 or the likelihood of the label) and the loss baseline's class weighting.

    python benchmarks/value_choice.py --run outputs/synthetic
"""
import argparse
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from recsys_nb.core import run_settings
from recsys_nb.evaluate import interaction_matrix
from recsys_nb.value import data_oob, loss_values, noise_detection, pair_noise, training_pairs
from recsys_nb.models import interest_features

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument('--run', default='outputs/synthetic', help='a built-in market run through pca')
args = parser.parse_args()
cfg = run_settings(args.run)
v = cfg['value']
pairs, _, histories = training_pairs(args.run, v['valid_pairs'], cfg['label']['negative_sampling'], v['label'],
                                     cfg['run']['seed'])
items = pd.read_parquet(f'{args.run}/clean/items.parquet', columns=['item_id', 'category'])
text_vectors = np.load(f'{args.run}/finetune/base_item_embeddings.npy')
popularity = np.asarray(interaction_matrix(list(histories), len(items)).sum(0)).ravel()
in_history = pairs.in_history.to_numpy()
noisy = pair_noise(args.run, pairs)[in_history] != ''
features = {way: interest_features(pairs, histories, text_vectors, popularity, items.category.to_numpy(),
                                   leave_out_own_item=way == 'left out') for way in ('kept', 'left out')}
# the length of the history without the pair: shorter by the pair's own events, so exactly for the interactions
own = np.array([list(h).count(i) if isinstance(h, (list, np.ndarray)) else 0
                for h, i in zip(pairs.user_id.map(histories), pairs.item)])
shorter = features['left out'].copy()
shorter[:, 3] = np.log1p(np.expm1(shorter[:, 3]) - own)
features['left out, length without the pair'] = shorter
balanced = LogisticRegression(max_iter=1000, class_weight='balanced')
rows = []
for way, x in features.items():
    methods = {'loss': loss_values(x, pairs.label, seed=cfg['run']['seed']),
               'loss, class-balanced': loss_values(x, pairs.label, model=balanced, seed=cfg['run']['seed']),
               'data_oob, 0/1': data_oob(x, pairs.label, v['oob_models'], seed=cfg['run']['seed'], score='correct'),
               'data_oob, likelihood': data_oob(x, pairs.label, v['oob_models'], seed=cfg['run']['seed'])}
    rows += [dict(features=way, method=name, **noise_detection(values[in_history], noisy))
             for name, values in methods.items()]
table = pd.DataFrame(rows).pivot_table(index='method', columns='features', values=['auc', 'f1'])
print(f'{args.run}: {int(noisy.sum())} noisy of {int(in_history.sum())} interactions\n')
print(table.round(3).to_markdown())
