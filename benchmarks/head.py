"""The retrieval head trained with each id dropout (`finetune.id_dropout`) on a finished run's label stage, one process,
the same data and seed: NDCG@10 (product protocol, full catalogue) of validation on all rows and by the target's
training count — the choice is made on these — and, for reading only, of test by the same slices ('target new' is
the new-item experiment's `label.new_items_share`). Untrained ids are zeroed after training, as the stage does.

    python benchmarks/head.py --run outputs/scientific --id-dropout 0 0.25 0.5
    python benchmarks/head.py --run outputs/scientific --id-dropout 0 0.25 --epochs 8 20 --held-out-half

`--held-out-half`: the epoch is chosen on one half of the validation users (drawn with the run's seed) and the
validation figures are read on the other, so that a longer search's gain is not the choice itself.
"""
import argparse
import json
import time
import numpy as np
import pandas as pd
import torch
from recsys_nb.core import run_settings, stage_dir
from recsys_nb.data import Dataset
from recsys_nb.evaluate import InnerProduct, encode_splits, interaction_matrix, topk_lists, topk_records
from recsys_nb.finetune import train_sequence_head, zero_untrained_ids
from recsys_nb.label import training_histories
from recsys_nb.models import Encoder, item_texts

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument('--run', required=True, help='a run folder with a finished label stage')
parser.add_argument('--id-dropout', type=float, nargs='+', default=[0.0, 0.25, 0.5])
parser.add_argument('--epochs', type=int, nargs='+', default=[0], help='most epochs (0: the run\'s finetune.epochs)')
parser.add_argument('--held-out-half', action='store_true', help='choose the epoch on one half, report the other')
parser.add_argument('--out', help='write the table here as JSON too')
args = parser.parse_args()
cfg = run_settings(args.run)
items = Dataset.load(stage_dir(args.run, 'clean')).items
enc, _ = encode_splits(pd.read_parquet(stage_dir(args.run, 'label')/'splits.parquet'), items.item_id)
texts = item_texts(items, cfg['text']['item_template'], cfg['text']['description_words'])
text_vectors = Encoder.from_settings(cfg).encode(texts)  # the run's embedding cache when it has them
train_histories = list(training_histories(enc, 'valid').history)
valid = enc[(enc.split == 'valid') & (enc.targets.str.len() > 0)]
choosing, reported = valid, valid  # the rows that choose the epoch, the validation rows reported
if args.held_out_half:
    order = np.random.default_rng(cfg['run']['seed']).permutation(len(valid))
    choosing, reported = valid.iloc[np.sort(order[:len(order) // 2])], valid.iloc[np.sort(order[len(order) // 2:])]


def slice_ndcg(head, split: str) -> dict:
    "NDCG@10 (product protocol) of `head` on a split's rows: all rows and each target-count slice."
    rows = (reported if split == 'valid' else enc[(enc.split == split) & (enc.targets.str.len() > 0)])
    rows = rows.reset_index(drop=True)
    users = head.users(list(rows.history))
    users = users / np.linalg.norm(users, axis=1, keepdims=True).clip(1e-9)
    with torch.inference_mode(): item_vectors = torch.nn.functional.normalize(head.items(), dim=-1).numpy()
    popularity = np.asarray(interaction_matrix(list(training_histories(enc, split).history), len(items)).sum(0)).ravel()
    lists = topk_lists(InnerProduct(users, item_vectors), np.arange(len(rows)), list(rows.history), 10, ['product'])
    records = topk_records(lists['product'], rows, [10], 'head', False, split, 'product', popularity, slices=True)
    ndcg = {r['split']: r['value'] for r in records if r['metric'] == 'ndcg' and r['k'] == 10}
    return ndcg | {f"{r['split']}: rows": int(r['value']) for r in records if r['metric'] == 'rows'}


table = []
for most_epochs, id_dropout in [(e or cfg['finetune']['epochs'], d) for e in args.epochs for d in args.id_dropout]:
    run_cfg = {**cfg, 'finetune': {**cfg['finetune'], 'id_dropout': id_dropout, 'epochs': most_epochs}}
    start = time.perf_counter()
    head, log = train_sequence_head(text_vectors, train_histories, list(choosing.history), list(choosing.targets),
                                    run_cfg, desc=f'head, id dropout {id_dropout}, at most {most_epochs} epochs')
    head = zero_untrained_ids(head, train_histories)
    row = dict(id_dropout=id_dropout, most_epochs=most_epochs, seconds=round(time.perf_counter() - start, 1),
               epochs=len(log), best_epoch=int(log.valid_ndcg10.idxmax()) + 1)
    for split in ('valid', 'test'):
        row |= {k: round(v, 4) if isinstance(v, float) else v for k, v in slice_ndcg(head, split).items()}
    table.append(row)
    print(json.dumps(row), flush=True)
frame = pd.DataFrame(table).set_index(['most_epochs', 'id_dropout'])
print(frame[[c for c in frame.columns if not c.endswith('rows')]].T.to_markdown())
if args.out: frame.reset_index().to_json(args.out, orient='records', indent=1)
