"""Would another learning objective or more capacity help the learned ranker? On a finished run's validation
candidates (the rank stage's, built again here), each ranker is fitted on one half of the validation rows and its
product NDCG@10 read on the other half (the halves the rank stage draws); a paired bootstrap gives each difference to
the ranker as the stage fits it, and each language-model lift (the full ranker over the ranker without
language-model features, both fitted the same way) a 95% interval. Nothing here reads the test split.

    python benchmarks/ranker_objective.py --run outputs/scientific

Tried:
- the stage's ranker (scikit-learn's HistGradientBoostingClassifier, pointwise log-loss, every positive and 30
  sampled negatives per row) with fewer or more negatives per row, fewer or more leaves and trees, more
  regularisation, a faster learning rate, no early stopping, and as the mean of five such rankers (bagging: each
  on its own draw of negatives and its own early-stopping split);
- LambdaMART (LightGBM's `lambdarank` objective: pairwise gradients weighted by the change in NDCG, LightGBM's default
  truncation of 30, over each row's sampled candidates), on the same sampled candidates, on fewer and on more; its
  trees stop early when NDCG@10 on a tenth of the fitting rows has not risen for 30 rounds (the stage's stop on a
  tenth of the sampled candidates, after 10), at most 1,000 trees (the stage's 300), at least 50 samples a leaf (20).
Lists are compared without MMR (`rank.mmr_lambda = 0`, the default; the script refuses a run with MMR on, whose
trade-off would read LambdaMART's unbounded scores differently from a probability).
"""
import argparse
import time
import lightgbm
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from recsys_nb.core import as_list, run_settings
from recsys_nb.evaluate import paired_bootstrap
from recsys_nb.rank import (FEATURES, ID_FEATURES, NO_LM, RANKERS, fit_ranker, fitting_rows, held_out_scores,
                            product_ndcg_per_row, row_halves, split_candidates)

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument('--run', required=True, help='a run folder with a finished pca stage')
parser.add_argument('--threads', type=int, default=2, help="LightGBM's threads")
args = parser.parse_args()
cfg = run_settings(args.run)
if cfg['rank']['mmr_lambda']: parser.error(f'{args.run} ranks with MMR (rank.mmr_lambda); this comparison is without')
seed, top_n = cfg['run']['seed'], cfg['score']['top_n']
started = time.perf_counter()
valid, valid_rows, _, _, _, _ = split_candidates(args.run, 'valid', cfg)
list_length = max(as_list(cfg['evaluate']['k']))
print(f'{len(valid):,} validation candidates in {time.perf_counter() - started:.0f} s')

halves = row_halves(len(valid_rows), seed)  # the rank stage's


def fit_hgb(mask, features, negatives_per_row=30, **params):
    "The stage's ranker, with other sampling or tree settings."
    if negatives_per_row == 30 and not params:
        return fit_ranker(valid, cfg['rank']['ranker'], features, seed=seed, mask=mask)
    at = fitting_rows(valid, negatives_per_row, seed, mask)
    model = HistGradientBoostingClassifier(**{'max_iter': 300, 'learning_rate': 0.05, 'max_leaf_nodes': 31,
                                              'early_stopping': True, 'random_state': seed, **params})
    columns = [valid.columns.get_loc(f) for f in features]
    return model.fit(valid.iloc[at, columns].to_numpy(np.float64), valid.label.to_numpy()[at])


class Ranker:
    "A LightGBM model with the `predict_proba` that `ranker_scores` reads (without MMR, any monotone score will do)."
    def __init__(self, booster): self.booster = booster
    def predict_proba(self, X):
        score = self.booster.predict(X, num_threads=args.threads)
        return np.stack([-score, score], 1)


class Bagged:
    "The mean p(target) of rankers fitted on different negative draws and seeds."
    def __init__(self, models): self.models = models
    def predict_proba(self, X): return np.mean([m.predict_proba(X) for m in self.models], 0)


def fit_bagged(mask, features, n_models=5, negatives_per_row=30):
    "`n_models` of the stage's rankers, each on its own draw of negatives and its own early-stopping split."
    return Bagged([fit_ranker(valid, cfg['rank']['ranker'], features, negatives_per_row, seed=seed + i, mask=mask)
                   for i in range(n_models)])


def fit_lambdarank(mask, features, negatives_per_row=30, **params):
    "LambdaMART on the sampled candidates, grouped by row; early stopping on a tenth of the rows."
    at = fitting_rows(valid, negatives_per_row, seed, mask)
    at = at[np.argsort(valid.row.to_numpy()[at], kind='stable')]
    row = valid.row.to_numpy()[at]
    rows = np.unique(row)
    stop_rows = np.random.default_rng(seed).choice(rows, len(rows) // 10, replace=False)
    stopping = np.isin(row, stop_rows)
    columns = [valid.columns.get_loc(f) for f in features]
    X, y = valid.iloc[at, columns].to_numpy(np.float64), valid.label.to_numpy()[at]
    sets = [lightgbm.Dataset(X[part], y[part], group=np.unique(row[part], return_counts=True)[1], free_raw_data=False)
            for part in (~stopping, stopping)]
    params = {'objective': 'lambdarank', 'metric': 'ndcg', 'eval_at': [10], 'learning_rate': 0.05, 'num_leaves': 31,
              'min_data_in_leaf': 50, 'num_threads': args.threads, 'seed': seed, 'verbosity': -1, **params}
    booster = lightgbm.train(params, sets[0], num_boost_round=1000, valid_sets=[sets[1]],
                             callbacks=[lightgbm.early_stopping(30, verbose=False)])
    return Ranker(booster)


def held_out(fit, features, sources):
    "Each held-out row's product NDCG@10 under a ranker on `features` fitted on the other half by `fit`."
    cand, scores, rows = held_out_scores(valid, valid_rows, features, sources, top_n, halves,
                                         lambda mask: fit(mask, features))
    return product_ndcg_per_row(cand, scores, rows, k=10, list_length=list_length)


tried = {'as the stage fits them': fit_hgb,
         'HGB, 10 negatives per row': lambda m, f: fit_hgb(m, f, 10),
         'HGB, 20 negatives per row': lambda m, f: fit_hgb(m, f, 20),
         'HGB, 100 negatives per row': lambda m, f: fit_hgb(m, f, 100),
         'HGB, 15 leaves': lambda m, f: fit_hgb(m, f, max_leaf_nodes=15),
         'HGB, 63 leaves, at most 600 trees': lambda m, f: fit_hgb(m, f, max_leaf_nodes=63, max_iter=600),
         'HGB, 100 samples a leaf': lambda m, f: fit_hgb(m, f, min_samples_leaf=100),
         'HGB, l2 regularisation 1': lambda m, f: fit_hgb(m, f, l2_regularization=1.0),
         'HGB, learning rate 0.1': lambda m, f: fit_hgb(m, f, learning_rate=0.1),
         'HGB, 300 trees, no early stopping': lambda m, f: fit_hgb(m, f, early_stopping=False),
         'HGB, 5 bagged (mean of 5 draws and seeds)': fit_bagged,
         'LambdaMART, 10 negatives per row': lambda m, f: fit_lambdarank(m, f, 10),
         'LambdaMART, 30 negatives per row': fit_lambdarank,
         'LambdaMART, 100 negatives per row': lambda m, f: fit_lambdarank(m, f, 100),
         'LambdaMART, 30 negatives, 200 samples a leaf': lambda m, f: fit_lambdarank(m, f, min_data_in_leaf=200)}
main_sources, no_lm_sources = RANKERS['ranker (learned fusion)'][1], RANKERS[NO_LM][1]
ndcg, seconds = {}, {}
for name, fit in tried.items():
    start = time.perf_counter()
    ndcg[name] = (held_out(fit, FEATURES, main_sources), held_out(fit, ID_FEATURES, no_lm_sources))
    seconds[name] = time.perf_counter() - start
    print(f'{name}: {ndcg[name][0].mean():.4f} / {ndcg[name][1].mean():.4f} in {seconds[name]:.0f} s', flush=True)
plain_main, plain_no_lm = ndcg['as the stage fits them']
print(f'\nproduct NDCG@10 on the held-out validation half ({len(halves[1]):,} rows)\n')
print('| ranker | full ranker | difference [95%] | without LM features | difference [95%] | lift [95%] | seconds |')
print('|:--|--:|:--|--:|:--|:--|--:|')
interval = lambda b, digits: f"{b['estimate']:+.{digits}f} [{b['low']:+.{digits}f}, {b['high']:+.{digits}f}]"
for name, (main, no_lm) in ndcg.items():
    lift = paired_bootstrap(main, no_lm, 'ratio', seed=seed)
    print(f"| {name} | {main.mean():.4f} | {interval(paired_bootstrap(main, plain_main, seed=seed), 4)} | "
          f"{no_lm.mean():.4f} | {interval(paired_bootstrap(no_lm, plain_no_lm, seed=seed), 4)} | "
          f"{lift['estimate']:.3f} [{lift['low']:.3f}, {lift['high']:.3f}] | {seconds[name]:.0f} |")
print(f'\n{time.perf_counter() - started:.0f} s in all')
