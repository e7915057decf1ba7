"""Serving latency and throughput of a finished run, against the floor of a bare FAISS search, in one process.

    .venv/bin/python benchmarks/serve.py --run outputs/synthetic [--n 200] [--clients 8] [--out serve_bench.json]

In process: p50 / p99 of one `recommend` (a known test user, k = 10) and one `search` (a query never seen before, so its
encoding is included, k = 10). The floor: a bare FAISS `IndexFlatIP` top-10 over the same item vectors for the same users.
Over HTTP: the same two calls against `recsys-nb serve` on localhost (p50 / p99, one client), then requests per second with
`--clients` concurrent clients. Every figure is measured in this one run, so the ratios to the floor hold on a noisy machine.
"""
import argparse, json, socket, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import faiss
import httpx
import numpy as np
from recsys_nb.evaluate import judged_gains
from recsys_nb.serve import Recommender

p = argparse.ArgumentParser()
p.add_argument('--run', required=True)
p.add_argument('--n', type=int, default=200, help='requests per measurement')
p.add_argument('--clients', type=int, default=8)
p.add_argument('--out', default=None, help='write the figures as JSON here too')
args = p.parse_args()

def percentiles(seconds) -> dict:
    ms = np.asarray(seconds) * 1000
    return dict(p50_ms=float(np.percentile(ms, 50)), p99_ms=float(np.percentile(ms, 99)))

def timed(fn, inputs) -> list:
    out = []
    for x in inputs:
        t0 = time.perf_counter()
        fn(x)
        out.append(time.perf_counter() - t0)
    return out

t0 = time.perf_counter()
rec = Recommender.load(args.run)
load_s = time.perf_counter() - t0
rng = np.random.default_rng(0)
users = rng.choice(rec.test_rows.user_id.to_numpy(), min(args.n, len(rec.test_rows)), replace=False) if rec.recommends else []
judged = Path(args.run)/'clean'/'judgments.parquet'
import pandas as pd
judgments = pd.read_parquet(judged) if judged.exists() else pd.DataFrame()
queries = judged_gains(judgments, rec.items.item_id)[0] if len(judgments) else []
if len(queries) < args.n:  # no judged queries enough: two words of random titles
    titles = rng.choice(np.asarray(rec.titles, dtype=object), args.n)
    queries = list(dict.fromkeys(list(queries) + [' '.join(str(t).split()[:2]) for t in titles]))
queries = list(rng.permutation(np.asarray(queries, dtype=object)))[:args.n]

rec.search('warm up')  # warm-up: first calls pay for lazy initialisation
results = {'run': str(args.run), 'items': len(rec.items), 'users': len(rec.users), 'load_seconds': load_s}
if rec.recommends:  # a search-only run (no behaviour data) has no recommendations to time
    rec.recommend(users[0])
    results['recommend (in process)'] = percentiles(timed(lambda u: rec.recommend(u, k=10), users))
results['search (in process)'] = percentiles(timed(lambda q: rec.search(q, k=10), queries))
# the floor: a bare FAISS top-10 over the same vectors (user vectors against items; for search-only runs, query vectors)
index = faiss.IndexFlatIP(rec.item_vecs.shape[1])
index.add(np.ascontiguousarray(rec.item_vecs, dtype=np.float32))
vecs = rec.test_user_vecs[rec.users.loc[users].row.to_numpy()] if rec.recommends else np.stack([rec.query_vector(q)[1] for q in queries])
results['floor: FAISS IndexFlatIP top-10'] = percentiles(timed(lambda v: index.search(np.ascontiguousarray(v[None], dtype=np.float32), 10), vecs))

with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
server = subprocess.Popen([str(Path(sys.executable).parent/'recsys-nb'), 'serve', '--run', str(args.run), '--port', str(port)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
url = f'http://127.0.0.1:{port}'
try:
    for _ in range(600):
        try:
            if httpx.get(f'{url}/health').status_code == 200: break
        except httpx.TransportError: time.sleep(0.5)
    with httpx.Client(base_url=url) as client:
        if rec.recommends:
            client.get('/recommend', params=dict(user_id=users[0]))
            results['recommend (HTTP)'] = percentiles(timed(lambda u: client.get('/recommend', params=dict(user_id=u, k=10)), users))
        fresh = [f'{q} x{n}' for n, q in enumerate(queries)]  # not in the server's query cache
        results['search (HTTP)'] = percentiles(timed(lambda q: client.get('/search', params=dict(q=q, k=10)), fresh))

    def burst(path, params):
        with httpx.Client(base_url=url) as client:
            for p in params: assert client.get(path, params=p).status_code == 200
    loads = [('search', '/search', [dict(q=f'{q} y{n}') for n, q in enumerate(queries)])]
    if rec.recommends: loads.insert(0, ('recommend', '/recommend', [dict(user_id=u) for u in users]))
    for name, path, params in loads:
        share = [params[c::args.clients] for c in range(args.clients)]
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool: list(pool.map(lambda ps: burst(path, ps), share))
        results[f'{name} (HTTP, {args.clients} clients)'] = dict(requests_per_second=len(params) / (time.perf_counter() - t0))
finally:
    server.terminate()
    server.wait(10)

floor = results['floor: FAISS IndexFlatIP top-10']['p50_ms']
for name in [n for n in ('recommend (in process)', 'search (in process)', 'recommend (HTTP)', 'search (HTTP)') if n in results]:
    results[name]['p99_over_p50'] = results[name]['p99_ms'] / results[name]['p50_ms']
    results[name]['p50_over_floor'] = results[name]['p50_ms'] / floor
table = pd.DataFrame({k: v for k, v in results.items() if isinstance(v, dict)}).T
print(f"{args.run}: {results['items']:,} items, {results['users']:,} users, loaded in {load_s:.1f} s")
print(table.to_markdown(floatfmt='.2f'))
if args.out: Path(args.out).write_text(json.dumps(results, indent=2))
