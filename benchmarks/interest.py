"""The interest model and its logistic baseline on a finished run's finetune inputs: validation AUC, one process, the
same pairs. `--compare wide` (default): the cross-encoder alone, and wide & deep (trained on top of the logistic
regression's logit); `--compare leave_out`: each training pair's own item kept in, or left out of, the user's history
the models read (the cross-encoder alone); `--compare steps`: the model as the run's settings make it (wide & deep or
not) trained for each of `--steps` (the learning rate is constant, so a shorter training is the start of a longer one).

    python benchmarks/interest.py --run outputs/amazon-scientific --valid-pairs 1000
    python benchmarks/interest.py --run outputs/scientific --valid-pairs 2000 --compare steps --steps 25 50 100 150
"""
import argparse
import json
import time
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from recsys_nb.core import run_settings, stage_dir
from recsys_nb.data import Dataset
from recsys_nb.evaluate import encode_splits, interaction_matrix
from recsys_nb.finetune import batch_prior_shift, interest_pairs, train_interest_model
from recsys_nb.label import training_histories
from recsys_nb.models import Encoder, interest_features, item_texts, predict_interest

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument('--run', required=True, help='a run folder with a finished label stage')
parser.add_argument('--valid-pairs', type=int, default=0, help='validation pairs (0: the run\'s interest_valid_pairs)')
parser.add_argument('--compare', choices=('wide', 'leave_out', 'steps'), default='wide')
parser.add_argument('--steps', type=int, nargs='+', default=[], help='--compare steps: training steps to compare')
parser.add_argument('--skip-cross-encoder', action='store_true', help='the logistic baseline only (seconds)')
args = parser.parse_args()
if args.steps and args.compare != 'steps': parser.error('--steps goes with --compare steps')
cfg = run_settings(args.run)
f = cfg['finetune']
items = Dataset.load(stage_dir(args.run, 'clean')).items
enc, index = encode_splits(pd.read_parquet(stage_dir(args.run, 'label')/'splits.parquet'), items.item_id)
labels = pd.read_parquet(stage_dir(args.run, 'label')/'interest_labels.parquet')
negatives = pd.read_parquet(stage_dir(args.run, 'label')/'negatives.parquet')
train_pairs, valid_pairs, histories = interest_pairs(enc, labels, negatives, index,
                                                     args.valid_pairs or f['interest_valid_pairs'],
                                                     cfg['run']['seed'], cfg['label']['negative_sampling'])
texts = item_texts(items, cfg['text']['item_template'], cfg['text']['description_words'])
text_vectors = Encoder.from_settings(cfg).encode(texts)  # the run's embedding cache when it has them
popularity = np.asarray(interaction_matrix(list(training_histories(enc, 'valid').history), len(items)).sum(0)).ravel()
titles = items.title.tolist()
results = dict(run=args.run, train_pairs=len(train_pairs), valid_pairs=len(valid_pairs))
# each way: (name, the features' leave_out_own_item, the cross-encoder's, wide & deep)
ways = {'wide': [('cross_encoder', True, f['interest_leave_out_own_item'], False, f['interest_steps']),
                 ('wide_and_deep', True, f['interest_leave_out_own_item'], True, f['interest_steps'])],
        'leave_out': [('kept', False, False, False, f['interest_steps']),
                      ('left_out', True, True, False, f['interest_steps'])],
        'steps': [(f'steps_{n}', True, f['interest_leave_out_own_item'], f['interest_wide'], n)
                  for n in args.steps or [f['interest_steps']]]}[args.compare]
baselines = {}  # the features and the logistic baseline, by the features' leave_out_own_item (the same for every way)
for name, features_leave_out, leave_out, wide, steps in ways:
    if features_leave_out not in baselines:
        features = [interest_features(pairs, histories, text_vectors, popularity, items.category.to_numpy(),
                                      leave_out_own_item=features_leave_out) for pairs in (train_pairs, valid_pairs)]
        baselines[features_leave_out] = features, LogisticRegression(max_iter=1000).fit(features[0], train_pairs.label)
    features, logistic = baselines[features_leave_out]
    logistic_probability = logistic.predict_proba(features[1])[:, 1]
    results[f'logistic_auc_{name}'] = round(roc_auc_score(valid_pairs.label, logistic_probability), 4)
    if args.skip_cross_encoder: continue
    shift = batch_prior_shift(train_pairs.label.to_numpy(), f['interest_positive_share'])
    offsets = [logistic.decision_function(x) + shift if wide else None for x in features]
    run_cfg = {**cfg, 'finetune': {**f, 'interest_leave_out_own_item': leave_out, 'interest_steps': steps}}
    start = time.perf_counter()
    tokenizer, model, steps = train_interest_model(cfg['model']['name'], train_pairs, histories, texts, titles, run_cfg,
                                                   progress=True, offsets=offsets[0])
    results[f'{name}_train_seconds'] = round(time.perf_counter() - start, 1)
    probability = predict_interest(model, tokenizer, valid_pairs, histories, texts, titles, f['interest_max_tokens'],
                                   leave_out_own_item=leave_out, offsets=offsets[1])
    results[f'{name}_auc'] = round(roc_auc_score(valid_pairs.label, probability), 4)
    results[f'{name}_steps'] = steps
    print(json.dumps(results), flush=True)
print(json.dumps(results))
