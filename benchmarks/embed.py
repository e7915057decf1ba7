"""Encoder backends against sentence-transformers' `encode`, on the same model and texts, in one process.

    .venv/bin/python benchmarks/embed.py [--data amazon-scientific] [--n 2000] [--batch 128] [--runs 3]
                                         [--run outputs/scientific]

For sentence-transformers fp32 (the reference) and each `model.backend` (fp32, bf16, onnx, onnx-int8, openvino):
items/s, the ratio to the reference, the cosine of its vectors to the reference's (min and mean) and, with --run
(a finished run folder of the same data), the retrieval quality it gives: dense NDCG@10 of the un-fine-tuned
encoder on that run's validation users (product protocol; a user is the mean of the last 5 history items' vectors,
scored by cosine against the whole catalogue, every item encoded by the backend).

The timed runs are interleaved (every backend once, then again, `--runs` rounds; the best of each counts), so that
the machine's noise hits all alike. A backend whose runtime is not installed is reported and skipped.
"""
import argparse, time
from pathlib import Path
import numpy as np
import pandas as pd
from sentence_transformers import SentenceTransformer
from recsys_nb.core import load_settings, run_settings
from recsys_nb.data import load_dataset
from recsys_nb.embed import base_user_vectors
from recsys_nb.evaluate import eval_rows, hit_matrix, ranking_metrics, topk_in_chunks
from recsys_nb.models import ENCODER_BACKENDS, Encoder, item_texts, model_path

p = argparse.ArgumentParser()
p.add_argument('--data', default='amazon-scientific')
p.add_argument('--n', type=int, default=2000, help='texts timed')
p.add_argument('--batch', type=int, default=128)
p.add_argument('--runs', type=int, default=3)
p.add_argument('--run', default=None, help='a finished run folder of --data: adds dense NDCG@10 on its validation users')
args = p.parse_args()
cfg = load_settings(overrides=[f'data.name={args.data}'])
try: items = load_dataset(cfg).items
except Exception as e:  # no real data here: the built-in market's catalogue
    print(f'({args.data} unavailable: {e}; using the synthetic catalogue)')
    items = load_dataset(load_settings(overrides=['synthetic.n_items=3000'])).items
template, words, max_tokens = cfg['text']['item_template'], cfg['text']['description_words'], cfg['model']['max_tokens']
texts = item_texts(items, template, words)[:args.n]

reference = SentenceTransformer(model_path('minilm'), device='cpu')
reference.max_seq_length = max_tokens
encoders = {'sentence-transformers fp32 (reference)':
            lambda t: reference.encode(t, batch_size=args.batch, convert_to_numpy=True)}
for backend in ENCODER_BACKENDS:
    try: encoder = Encoder('minilm', max_tokens, args.batch, 'cpu', backend)
    except ImportError as e:
        print(f'{backend}: skipped ({e})')
        continue
    encoders[backend] = lambda t, encoder=encoder: encoder.encode(t, progress=False)

seconds = {name: np.inf for name in encoders}
vectors = {}
for round_ in range(args.runs):
    for name, encode in encoders.items():
        start = time.perf_counter()
        vectors[name] = encode(texts)
        seconds[name] = min(seconds[name], time.perf_counter() - start)
    print(f'round {round_ + 1} of {args.runs} done', flush=True)

def unit(x): return x / np.linalg.norm(x, axis=1, keepdims=True).clip(1e-12)

def dense_ndcg(encode, run_dir) -> float:
    "Validation NDCG@10 (product protocol) of the un-fine-tuned encoder with these item vectors."
    run_items = pd.read_parquet(Path(run_dir)/'clean'/'items.parquet')
    run_cfg = run_settings(run_dir)
    item_vecs = unit(encode(item_texts(run_items, run_cfg['text']['item_template'], run_cfg['text']['description_words'])))
    rows = eval_rows(run_dir, 'valid')
    user_vecs = unit(base_user_vectors(item_vecs, list(rows.history)))
    topk = topk_in_chunks(lambda u, h: user_vecs[u] @ item_vecs.T, np.arange(len(rows)), list(rows.history), 10, True)
    return ranking_metrics(hit_matrix(topk, rows.targets), rows.targets.str.len().to_numpy(), 10)['ndcg']

first = next(iter(encoders))
table = []
for name in encoders:
    cos = (unit(vectors[name]) * unit(vectors[first])).sum(1)
    row = {'backend': name, 'items/s': round(len(texts) / seconds[name], 1),
           'ratio to reference': round(seconds[first] / seconds[name], 2),
           'cosine min': round(float(cos.min()), 5), 'cosine mean': round(float(cos.mean()), 5)}
    if args.run: row['dense NDCG@10 (valid)'] = round(dense_ndcg(encoders[name], args.run), 4)
    table.append(row)
print(f'\ntexts: {len(texts)} from {args.data}, max_tokens {max_tokens}, batch {args.batch}, best of {args.runs}')
print(pd.DataFrame(table).to_markdown(index=False))
