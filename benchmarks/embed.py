"""Embed-stage throughput against sentence-transformers' `encode`, on the same model and texts, in one process.

    .venv/bin/python benchmarks/embed.py [--data amazon-scientific] [--n 2000] [--batch 128]

Prints items/s of recsys_nb's Encoder (no cache) and of SentenceTransformer.encode, their ratio, and the
cosine agreement of the two sets of vectors. Both run in this process, one after the other, twice
(the better run of each counts), so machine noise hits both alike.
"""
import argparse, time
import numpy as np
import pandas as pd
from recsys_nb.core import load_settings
from recsys_nb.data import load_dataset
from recsys_nb.models import Encoder, item_texts, model_path

p = argparse.ArgumentParser()
p.add_argument('--data', default='amazon-scientific')
p.add_argument('--n', type=int, default=2000)
p.add_argument('--batch', type=int, default=128)
args = p.parse_args()
cfg = load_settings(overrides=[f'data.name={args.data}'])
try: items = load_dataset(cfg).items
except Exception as e:  # no real data here: the built-in market's catalogue
    print(f'({args.data} unavailable: {e}; using the synthetic catalogue)')
    items = load_dataset(load_settings(overrides=['synthetic.n_items=3000'])).items
texts = item_texts(items, cfg['text']['item_template'], cfg['text']['description_words'])[:args.n]
max_tokens = cfg['model']['max_tokens']

ours = Encoder('minilm', max_tokens, args.batch, 'cpu')
from sentence_transformers import SentenceTransformer
st = SentenceTransformer(model_path('minilm'), device='cpu')
st.max_seq_length = max_tokens

def best_of(fn, runs=2):
    best, out = np.inf, None
    for _ in range(runs):
        t = time.perf_counter(); out = fn(); best = min(best, time.perf_counter() - t)
    return best, out

t_ours, v_ours = best_of(lambda: ours.encode(texts, progress=False))
t_st, v_st = best_of(lambda: st.encode(texts, batch_size=args.batch, convert_to_numpy=True))
cos = (v_ours * v_st).sum(1) / (np.linalg.norm(v_ours, axis=1) * np.linalg.norm(v_st, axis=1))
print(f'texts: {len(texts)} from {args.data}, max_tokens {max_tokens}, batch {args.batch}')
print(f'recsys_nb embed:             {len(texts) / t_ours:8.1f} items/s')
print(f'sentence-transformers encode: {len(texts) / t_st:8.1f} items/s')
print(f'ratio (ours / sentence-transformers): {t_st / t_ours:.2f}')
print(f'cosine agreement: min {cos.min():.5f}, mean {cos.mean():.5f}')
