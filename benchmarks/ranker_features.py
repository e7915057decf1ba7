"""Would more features help the learned ranker? On a finished run's validation candidates (the rank stage's, built
again here), each ranker is fitted on one half of the validation rows and its product NDCG@10 read on the other half
(the halves the rank stage draws), with and without the tried features; a paired bootstrap gives each difference and
each language-model lift (the full ranker over the ranker without language-model features) a 95% interval. Nothing
here reads the test split.

    python benchmarks/ranker_features.py --run outputs/scientific --neighbours 10

Tried features, each added to the ranker it belongs to:
- `cooc_text` (language model): co-occurrence scores carried to each candidate's text neighbours, H·C·Nᵀ — an item
  textually close to the items that usually follow the history scores, however rarely it was bought itself;
- `text_cooc` (language model): the followers of the history's text neighbours, H·N·C — for histories of rare items;
- `gap` (both): each score minus the best candidate's score in its row (the full ranker: dense, R, base, text_max and
  co-occurrence; the ranker without language-model features: co-occurrence), a per-user scale the trees cannot form;
- `z` (both): the same scores standardised within each row.
H is the co-occurrence model's decayed recent history, C its item-item matrix, N each item's `--neighbours` nearest
items by the un-fine-tuned encoder's cosine (weights the cosines, at least 0).
"""
import argparse
import time
import numpy as np
import scipy.sparse as sp
from recsys_nb.core import as_list, run_settings
from recsys_nb.evaluate import paired_bootstrap
from recsys_nb.rank import (FEATURES, ID_FEATURES, NO_LM, RANKERS, fit_ranker, held_out_scores, product_ndcg_per_row,
                            row_halves, split_candidates)

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument('--run', required=True, help='a run folder with a finished pca stage')
parser.add_argument('--neighbours', type=int, default=10, help='text neighbours per item (N)')
args = parser.parse_args()
cfg = run_settings(args.run)
seed, top_n, ranker = cfg['run']['seed'], cfg['score']['top_n'], cfg['rank']['ranker']
started = time.perf_counter()
valid, valid_rows, _, _, item_vecs, cooccurrence = split_candidates(args.run, 'valid', cfg)
list_length = max(as_list(cfg['evaluate']['k']))  # the lists the rank stage reports (MMR's pool)

# N: each item's nearest items by the un-fine-tuned encoder (itself left out)
text = np.load(f'{args.run}/pca/base_items.npy').astype(np.float32)
text /= np.maximum(np.linalg.norm(text, axis=1, keepdims=True), 1e-12)
n_items, k = len(text), args.neighbours
cosine = text @ text.T
np.fill_diagonal(cosine, -np.inf)
near = np.argpartition(-cosine, k, axis=1)[:, :k]
weight = np.maximum(np.take_along_axis(cosine, near, 1), 0)
N = sp.csr_matrix((weight.ravel(), (np.repeat(np.arange(n_items), k), near.ravel())), shape=(n_items, n_items))
del cosine

# the two propagated scores, a block of rows at a time, read at the candidates
row, item = valid.row.to_numpy(), valid.item.to_numpy()
order = np.argsort(row, kind='stable')
block = 512
bounds = np.searchsorted(row[order], np.arange(0, len(valid_rows) + block, block))
histories = list(valid_rows.history)
cooc_text, text_cooc = np.zeros(len(valid), np.float32), np.zeros(len(valid), np.float32)
for b, start in enumerate(range(0, len(valid_rows), block)):
    at = order[bounds[b]:bounds[b + 1]]
    H_C = cooccurrence.score(None, histories[start:start + block])  # H·C (and the model's tiny popularity tiebreak)
    cooc_text[at] = (N @ H_C.T).T[row[at] - start, item[at]]
    recent = [np.asarray(h, np.int64)[-cooccurrence.n_history:][::-1] for h in histories[start:start + block]]
    H = sp.csr_matrix((np.concatenate([cooccurrence.decay ** np.arange(len(r)) for r in recent] + [np.zeros(0)]),
                       (np.repeat(np.arange(len(recent)), [len(r) for r in recent]),
                        np.concatenate(recent + [np.zeros(0, np.int64)]))), shape=(len(recent), n_items))
    text_cooc[at] = (H @ N @ cooccurrence.C).toarray()[row[at] - start, item[at]]
valid['cooc_text'], valid['text_cooc'] = cooc_text, text_cooc
for name in ('dense', 'r', 'base', 'text_max', 'cooc'):
    score = valid[name].astype(np.float64)
    grouped = score.groupby(valid.row)
    valid[f'{name}_gap'] = (score - grouped.transform('max')).astype(np.float32)
    valid[f'{name}_z'] = ((score - grouped.transform('mean')) / (grouped.transform('std') + 1e-9)).astype(np.float32)
print(f'{len(valid):,} validation candidates and their features in {time.perf_counter() - started:.0f} s')

# the rank stage's halves: fit on the first, read on the second
halves = row_halves(len(valid_rows), seed)

def held_out(features, sources):
    "Each held-out row's product NDCG@10 under a ranker on `features` fitted on the other half."
    cand, scores, rows = held_out_scores(valid, valid_rows, features, sources, top_n, halves,
                                         lambda mask: fit_ranker(valid, ranker, features, seed=seed, mask=mask))
    return product_ndcg_per_row(cand, scores, rows, k=10, list_length=list_length,
                                mmr_lambda=cfg['rank']['mmr_lambda'], item_vecs=item_vecs)

LM_SCORES = ['dense', 'r', 'base', 'text_max', 'cooc']
tried = {'as the stage fits them': ([], []), 'cooc_text': (['cooc_text'], []), 'text_cooc': (['text_cooc'], []),
         'cooc_text, text_cooc': (['cooc_text', 'text_cooc'], []),
         'gap': ([f'{s}_gap' for s in LM_SCORES], ['cooc_gap']), 'z': ([f'{s}_z' for s in LM_SCORES], ['cooc_z'])}
main_sources, no_lm_sources = RANKERS['ranker (learned fusion)'][1], RANKERS[NO_LM][1]
ndcg = {}
for name, (main_extra, no_lm_extra) in tried.items():
    ndcg[name] = (held_out(FEATURES + main_extra, main_sources),
                  held_out(ID_FEATURES + no_lm_extra, no_lm_sources) if no_lm_extra or not main_extra else None)
plain_main, plain_no_lm = ndcg['as the stage fits them']
print(f'\nproduct NDCG@10 on the held-out validation half ({len(halves[1]):,} rows)\n')
print('| features added | full ranker | difference [95%] | without LM features | lift [95%] |')
print('|:--|--:|:--|--:|:--|')
interval = lambda b, digits: f"{b['estimate']:+.{digits}f} [{b['low']:+.{digits}f}, {b['high']:+.{digits}f}]"
for name, (main, no_lm) in ndcg.items():
    no_lm = plain_no_lm if no_lm is None else no_lm
    difference = paired_bootstrap(main, plain_main, seed=seed)
    lift = paired_bootstrap(main, no_lm, 'ratio', seed=seed)
    print(f"| {name} | {main.mean():.4f} | {interval(difference, 4)} | {no_lm.mean():.4f} | "
          f"{lift['estimate']:.3f} [{lift['low']:.3f}, {lift['high']:.3f}] |")
print(f'\n{time.perf_counter() - started:.0f} s in all')
