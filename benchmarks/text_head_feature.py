"""Would the text-only head's score help the learned ranker as one more feature? On a copy of a finished run (the rank
stage rewrites its `rank/` folder), in one process: the text-only head is trained as the finetune stage trains it
(same data, settings and seed), its cosine between each candidate and the row's user is added to the candidate table,
and the rank stage is run without and then with it (the full ranker and the language-model-only ranker read it).
Product NDCG@10 on the held-out validation half (where the choice is read) and on test (for reading only).

    cp -r outputs/scientific outputs/sci-th && python benchmarks/text_head_feature.py --run outputs/sci-th
"""
import argparse
import time
import numpy as np
import pandas as pd
import torch
from pathlib import Path
from recsys_nb import rank
from recsys_nb.core import run_settings
from recsys_nb.evaluate import encode_splits, eval_rows
from recsys_nb.finetune import HEAD_VARIANTS, train_sequence_head, zero_untrained_ids
from recsys_nb.label import training_histories
from recsys_nb.pca import l2_normalise

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument('--run', required=True, help='a COPY of a finished run folder (its rank stage is rewritten)')
args = parser.parse_args()
run = Path(args.run)
cfg = run_settings(run)
items = pd.read_parquet(run/'clean'/'items.parquet')
text_vectors = np.load(run/'finetune'/'base_item_embeddings.npy')
enc, _ = encode_splits(pd.read_parquet(run/'label'/'splits.parquet'), items.item_id)
valid = enc[(enc.split == 'valid') & (enc.targets.str.len() > 0)]
train_histories = list(training_histories(enc, 'valid').history)
start = time.perf_counter()
_, kind, _ = HEAD_VARIANTS['text_only']
head, log = train_sequence_head(text_vectors, train_histories, list(valid.history), list(valid.targets), cfg, **kind)
head = zero_untrained_ids(head, train_histories)
print(f'text-only head: {time.perf_counter() - start:.1f} s, best validation NDCG@10 {log.valid_ndcg10.max():.4f}')
with torch.inference_mode():
    item_vecs = l2_normalise(head.items().numpy())
user_vecs = {split: l2_normalise(head.users(list(eval_rows(run, split).history))) for split in ('valid', 'test')}
without_feature = rank.split_candidates


def with_text_head(run_dir, split, cfg, progress=True):
    "The rank stage's candidates with the text-only head's cosine as the column `text_head`."
    cand, *rest = without_feature(run_dir, split, cfg, progress)
    rows, cand_items = cand.row.to_numpy(), cand.item.to_numpy()
    cand['text_head'] = np.einsum('ij,ij->i', user_vecs[split][rows], item_vecs[cand_items]).astype(np.float32)
    return (cand, *rest)


def ndcg_table(records) -> pd.DataFrame:
    "Product NDCG@10 of each ranker on the held-out validation half and on test."
    df = pd.DataFrame(records)
    df = df[(df.metric == 'ndcg') & (df.k == 10) & (df.protocol == 'product')]
    df = df[df.split.isin(['valid (held-out half)', 'test'])]
    return df.pivot_table(index='model', columns='split', values='value')


tables = {'without': ndcg_table(rank.run_stage(run))}
rank.split_candidates = with_text_head
for features in (rank.FEATURES, rank.LM_FEATURES): features.append('text_head')  # RANKERS holds these very lists
tables['with text_head'] = ndcg_table(rank.run_stage(run))
print(pd.concat(tables, axis=1).round(4).to_markdown())
