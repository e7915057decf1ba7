"""Exact KNN-Shapley: our time on 100,000 training × 1,000 validation points, and pyDVL's on a subsample both handle.

pyDVL is no dependency: give its own environment's Python with --pydvl-python (e.g. a venv with `pip install pydvl`).
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
import numpy as np
from recsys_nb.value import knn_shapley

PYDVL = '''
import sys, time
import numpy as np
from sklearn.neighbors import KNeighborsClassifier
from pydvl.valuation.dataset import Dataset
from pydvl.valuation.methods.knn_shapley import KNNShapleyValuation
arrays = np.load(sys.argv[1])
train, valid = Dataset(arrays['train_x'], arrays['train_y']), Dataset(arrays['valid_x'], arrays['valid_y'])
start = time.perf_counter()
valuation = KNNShapleyValuation(KNeighborsClassifier(n_neighbors=int(arrays['k'])), valid, progress=False).fit(train)
seconds = time.perf_counter() - start
result = valuation.result
values = np.empty(len(result.values))
values[np.asarray(result.indices)] = result.values
np.savez(sys.argv[2], values=values, seconds=seconds)
'''

def points(n, d, rng, direction):
    "Gaussian points labelled by a noisy linear rule."
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x, (x @ direction + 0.5 * rng.standard_normal(n) > 0).astype(int)

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument('--train', type=int, default=100_000)
parser.add_argument('--valid', type=int, default=1_000)
parser.add_argument('--dim', type=int, default=128, help='vector size (the pca stage gives 128)')
parser.add_argument('--k', type=int, default=10)
parser.add_argument('--sub-train', type=int, default=2_000, help='the subsample compared with pyDVL')
parser.add_argument('--sub-valid', type=int, default=200)
parser.add_argument('--pydvl-python', default=None, help="a Python with pyDVL installed (none: skip the comparison)")
args = parser.parse_args()
rng = np.random.default_rng(0)
direction = rng.standard_normal(args.dim)
train_x, train_y = points(args.train, args.dim, rng, direction)
valid_x, valid_y = points(args.valid, args.dim, rng, direction)

start = time.perf_counter()  # the reference in this process: sorting every validation point's distances once
distances = (train_x ** 2).sum(1)[None, :] - 2 * valid_x @ train_x.T
np.argsort(distances, axis=1, kind='stable')
reference = time.perf_counter() - start
del distances
start = time.perf_counter()
values = knn_shapley(train_x, train_y, valid_x, valid_y, args.k)
ours = time.perf_counter() - start
print(f'KNN-Shapley, {args.train:,} training × {args.valid:,} validation points, d={args.dim}, K={args.k}: '
      f'{ours:.1f} s (target ≤ 30 s); one distance sort of the same points {reference:.1f} s, ratio {ours / reference:.2f}')

if args.pydvl_python:
    sub_x, sub_y = train_x[:args.sub_train], train_y[:args.sub_train]
    check_x, check_y = valid_x[:args.sub_valid], valid_y[:args.sub_valid]
    start = time.perf_counter()
    ours_sub = knn_shapley(sub_x, sub_y, check_x, check_y, args.k)
    ours_seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        arrays, result = Path(folder)/'arrays.npz', Path(folder)/'pydvl.npz'
        np.savez(arrays, train_x=sub_x.astype(np.float64), train_y=sub_y, valid_x=check_x.astype(np.float64),
                 valid_y=check_y, k=args.k)
        subprocess.run([args.pydvl_python, '-c', PYDVL, str(arrays), str(result)], check=True)
        theirs = np.load(result)
    print(f'pyDVL KNNShapleyValuation on {args.sub_train:,} × {args.sub_valid:,}: {float(theirs["seconds"]):.2f} s, '
          f'ours {ours_seconds:.3f} s: ours {float(theirs["seconds"]) / ours_seconds:.0f}× faster; largest difference '
          f'between the values {np.abs(theirs["values"] - ours_sub).max():.2e} (must be ≤ 1e-6)')
