"""The interest model and its logistic baseline with each training pair's own item kept in, or left out of, the
user's history it is read with; validation AUC on a finished run's finetune inputs, one process, the same pairs.

    python benchmarks/interest.py --run outputs/scientific --valid-pairs 4000
"""
import argparse
import json
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from recsys_nb.core import run_settings, stage_dir
from recsys_nb.data import Dataset
from recsys_nb.evaluate import encode_splits, interaction_matrix
from recsys_nb.finetune import interest_features, interest_pairs, train_interest_model
from recsys_nb.label import training_histories
from recsys_nb.models import item_texts, predict_interest

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument('--run', required=True, help='a run folder with finished label and finetune stages')
parser.add_argument('--valid-pairs', type=int, default=0, help='validation pairs (0: the run\'s interest_valid_pairs)')
parser.add_argument('--skip-cross-encoder', action='store_true', help='the logistic baseline only (seconds)')
args = parser.parse_args()
cfg = run_settings(args.run)
f = cfg['finetune']
items = Dataset.load(stage_dir(args.run, 'clean')).items
enc, index = encode_splits(pd.read_parquet(stage_dir(args.run, 'label')/'splits.parquet'), items.item_id)
labels = pd.read_parquet(stage_dir(args.run, 'label')/'interest_labels.parquet')
negatives = pd.read_parquet(stage_dir(args.run, 'label')/'negatives.parquet')
train_pairs, valid_pairs, histories = interest_pairs(enc, labels, negatives, index,
                                                     args.valid_pairs or f['interest_valid_pairs'],
                                                     cfg['run']['seed'], cfg['label']['negative_sampling'])
text_vectors = np.load(stage_dir(args.run, 'finetune')/'base_item_embeddings.npy')
popularity = np.asarray(interaction_matrix(list(training_histories(enc, 'valid').history), len(items)).sum(0)).ravel()
texts = item_texts(items, cfg['text']['item_template'], cfg['text']['description_words'])
results = dict(run=args.run, train_pairs=len(train_pairs), valid_pairs=len(valid_pairs))
for leave_out in (False, True):
    way = 'left_out' if leave_out else 'kept'
    features = [interest_features(pairs, histories, text_vectors, popularity, items.category.to_numpy(),
                                  leave_out_own_item=leave_out) for pairs in (train_pairs, valid_pairs)]
    logistic = LogisticRegression(max_iter=1000).fit(features[0], train_pairs.label)
    auc = roc_auc_score(valid_pairs.label, logistic.predict_proba(features[1])[:, 1])
    results[f'logistic_auc_{way}'] = round(auc, 4)
    if args.skip_cross_encoder: continue
    run_cfg = {**cfg, 'finetune': {**f, 'interest_leave_out_own_item': leave_out}}
    tokenizer, model, steps = train_interest_model(cfg['model']['name'], train_pairs, histories, texts,
                                                   items.title.tolist(), run_cfg, progress=True)
    probability = predict_interest(model, tokenizer, valid_pairs, histories, texts, items.title.tolist(),
                                   f['interest_max_tokens'], leave_out_own_item=leave_out)
    results[f'cross_encoder_auc_{way}'] = round(roc_auc_score(valid_pairs.label, probability), 4)
    results['steps'] = steps
print(json.dumps(results))
