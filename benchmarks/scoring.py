"""Full-catalogue top-K for every user: ours (`topk_in_chunks`), FAISS exact search, plain numpy, and approximate indexes.

    .venv/bin/python benchmarks/scoring.py [--run outputs/games] [--k 100] [--runs 2]

Reads a run's user and item vectors (`pca/users_test.npy`, `pca/items.npy`: the fine-tuned head's, as the score stage
ranks them), or makes random ones of Amazon Games' size (50,546 × 17,389, 128 dimensions) when the run is absent.
Prints, in one process and interleaved (the best of `--runs` counts), the seconds and users/s of
- `topk_in_chunks` (ours: a GEMM per chunk of users, argpartition, sort of the k),
- FAISS `IndexFlatIP` (exact inner product),
- plain numpy: the whole users × items GEMM at once, then argpartition (the floor, at the price of its memory),
the share of top-K lists identical to ours, and for the approximate indexes (FAISS IVF-Flat at several `nprobe`,
HNSW at several `efSearch`) their build time, query time and recall@K against exact search.
"""
import argparse, time
from pathlib import Path
import faiss
import numpy as np
import pandas as pd
from recsys_nb.evaluate import top_columns, topk_in_chunks

p = argparse.ArgumentParser()
p.add_argument('--run', default='outputs/games')
p.add_argument('--k', type=int, default=100)
p.add_argument('--runs', type=int, default=2)
p.add_argument('--chunk', type=int, default=2048)
args = p.parse_args()
pca = Path(args.run)/'pca'
if (pca/'users_test.npy').exists():
    user_vecs, item_vecs = np.load(pca/'users_test.npy'), np.load(pca/'items.npy')
    source = f'{args.run} (test users, fine-tuned vectors)'
else:
    rng = np.random.default_rng(0)
    user_vecs, item_vecs = rng.normal(size=(50_546, 128)), rng.normal(size=(17_389, 128))
    source = 'random vectors of Amazon Games size'
user_vecs, item_vecs = np.ascontiguousarray(user_vecs, np.float32), np.ascontiguousarray(item_vecs, np.float32)
n_users, k = len(user_vecs), args.k
no_history = [[]] * n_users

def ours(): return topk_in_chunks(lambda u, h: user_vecs[u] @ item_vecs.T, np.arange(n_users), no_history, k,
                                  chunk=args.chunk)

flat = faiss.IndexFlatIP(item_vecs.shape[1])
flat.add(item_vecs)
def faiss_flat(): return flat.search(user_vecs, k)[1]

def plain_numpy(): return top_columns(user_vecs @ item_vecs.T, k)

exact = {'ours: topk_in_chunks': ours, 'FAISS IndexFlatIP': faiss_flat, 'numpy, one GEMM + argpartition': plain_numpy}
seconds, lists = {name: np.inf for name in exact}, {}
for _ in range(args.runs):
    for name, fn in exact.items():
        start = time.perf_counter()
        lists[name] = fn()
        seconds[name] = min(seconds[name], time.perf_counter() - start)
reference = lists['ours: topk_in_chunks']

def recall(found): return np.mean([len(np.intersect1d(a, b)) / k for a, b in zip(found, reference)])

rows = [dict(method=name, seconds=round(seconds[name], 2), **{'users/s': round(n_users / seconds[name])},
             **{'ratio to ours': round(seconds['ours: topk_in_chunks'] / seconds[name], 2)},
             **{f'recall@{k} vs ours': round(recall(lists[name]), 4)},
             **{'same list as ours': round(float((lists[name] == reference).all(1).mean()), 4)}) for name in exact]
print(f'{source}: {n_users:,} users × {len(item_vecs):,} items, {item_vecs.shape[1]} dimensions, k = {k}, '
      f'FAISS threads {faiss.omp_get_max_threads()}, best of {args.runs}')
print(pd.DataFrame(rows).to_markdown(index=False))

approximate = []
nlist = int(4 * np.sqrt(len(item_vecs)))
start = time.perf_counter()
ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(item_vecs.shape[1]), item_vecs.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
ivf.train(item_vecs)
ivf.add(item_vecs)
built = time.perf_counter() - start
for nprobe in (4, 16, 64):
    ivf.nprobe = nprobe
    start = time.perf_counter()
    found = ivf.search(user_vecs, k)[1]
    approximate.append(dict(index=f'IVF-Flat, {nlist} lists, nprobe {nprobe}', build_s=round(built, 2),
                            query_s=round(time.perf_counter() - start, 2), **{f'recall@{k}': round(recall(found), 4)}))
start = time.perf_counter()
hnsw = faiss.IndexHNSWFlat(item_vecs.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
hnsw.hnsw.efConstruction = 80
hnsw.add(item_vecs)
built = time.perf_counter() - start
for ef in (128, 256, 512):
    hnsw.hnsw.efSearch = ef
    start = time.perf_counter()
    found = hnsw.search(user_vecs, k)[1]
    approximate.append(dict(index=f'HNSW, M 32, efSearch {ef}', build_s=round(built, 2),
                            query_s=round(time.perf_counter() - start, 2), **{f'recall@{k}': round(recall(found), 4)}))
print(f'\napproximate indexes (recall against exact top-{k}; exact FAISS: {seconds["FAISS IndexFlatIP"]:.2f} s)')
print(pd.DataFrame(approximate).to_markdown(index=False))
