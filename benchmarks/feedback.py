"""Feedback ingestion: events per second through `log_events`, requests per second through `POST /feedback`, and the count check.

    .venv/bin/python benchmarks/feedback.py --run outputs/synthetic [--events 20000] [--requests 3000] [--clients 8]

`log_events` (every event checked, one fsynced transaction per batch) is timed against a bare SQLite `executemany` of the
same rows into the same schema, also fsynced per batch, in this process: the ratio is the price of the checks. Over HTTP,
`--clients` concurrent clients each POST one click per request to `recsys-nb serve --feedback`; the reference is `GET
/health` on the same server with the same clients. Then every acknowledged event is counted in the log.
"""
import argparse, json, socket, sqlite3, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import httpx
import pandas as pd
from recsys_nb.feedback import INSERT, SCHEMA, STORED, FeedbackLog, count_rows

p = argparse.ArgumentParser()
p.add_argument('--run', required=True, help='a finished run folder (its catalogue checks the item ids)')
p.add_argument('--events', type=int, default=20_000)
p.add_argument('--requests', type=int, default=3_000)
p.add_argument('--clients', type=int, default=8)
p.add_argument('--out', default=None, help='write the figures as JSON here too')
args = p.parse_args()

items = pd.read_parquet(Path(args.run)/'clean'/'items.parquet').item_id.astype(str).tolist()
def click(n, tag): return dict(event_id=f'{tag}{n}', event='click', user_id=f'U{n % 997}', item_id=items[n % len(items)],
                               timestamp='2024-05-01T10:00:00Z', request_id=f'r{n // 10}')
folder, results = Path(tempfile.mkdtemp(prefix='feedback_bench_')), {}

def bare_sqlite(path, events, batch):
    "The floor: the same rows, no checks, the same pragmas and one transaction per batch."
    db = sqlite3.connect(path, isolation_level=None)
    db.execute('PRAGMA journal_mode=WAL')
    db.execute('PRAGMA synchronous=FULL')
    db.executescript(SCHEMA)
    for i in range(0, len(events), batch):
        db.execute('BEGIN IMMEDIATE')
        db.executemany(INSERT['outcome'], [tuple(e.get(f) for f in STORED['outcome']) for e in events[i:i + batch]])
        db.execute('COMMIT')
    db.close()

for batch in (100, 1):
    n = args.events if batch > 1 else args.events // 20
    events = [click(i, f'b{batch}-') for i in range(n)]
    t0 = time.perf_counter()
    bare_sqlite(folder/f'bare{batch}.sqlite', events, batch)
    bare = n / (time.perf_counter() - t0)
    with FeedbackLog(folder/f'log{batch}.sqlite', known_items=items) as log:
        t0 = time.perf_counter()
        acked = sum(log.log_events(events[i:i + batch])['accepted'] for i in range(0, n, batch))
        rate = n / (time.perf_counter() - t0)
        stored = count_rows(log)['outcomes']
    results[f'log_events, batches of {batch}'] = dict(events_per_second=rate, bare_sqlite_events_per_second=bare,
                                                     ratio_to_bare=rate / bare, acknowledged=acked, stored=stored)

with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
log_path = folder/'served.sqlite'
server = subprocess.Popen([str(Path(sys.executable).parent/'recsys-nb'), 'serve', '--run', str(args.run), '--port', str(port),
                           '--feedback', str(log_path), '--log-level', 'warning'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
url = f'http://127.0.0.1:{port}'
try:
    for _ in range(600):
        try:
            if httpx.get(f'{url}/health').status_code == 200: break
        except httpx.TransportError: time.sleep(0.5)
    else: raise SystemExit(f"the server did not answer /health in 300 s (exit code {server.poll()})")

    def burst(calls):
        acked = 0
        with httpx.Client(base_url=url) as client:
            for method, path, body in calls:
                r = client.request(method, path, json=body)
                assert r.status_code == 200, r.text
                acked += r.json()['accepted'] if body else 0
        return acked

    for name, calls in (('GET /health (reference)', [('GET', '/health', None)] * args.requests),
                        ('POST /feedback, one click each', [('POST', '/feedback', [click(i, 'h')]) for i in range(args.requests)])):
        share = [calls[c::args.clients] for c in range(args.clients)]
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool: acked = sum(pool.map(burst, share))
        results[f'{name}, {args.clients} clients'] = dict(requests_per_second=len(calls) / (time.perf_counter() - t0), acknowledged=acked)
finally:
    server.terminate()
    server.wait(10)
with FeedbackLog(log_path) as log: results[f'POST /feedback, one click each, {args.clients} clients']['stored'] = count_rows(log)['outcomes']
post, health = (results[f'{n}, {args.clients} clients']['requests_per_second'] for n in ('POST /feedback, one click each', 'GET /health (reference)'))
results[f'POST /feedback, one click each, {args.clients} clients']['ratio_to_health'] = post / health
print(pd.DataFrame(results).T.to_markdown(floatfmt='.2f').replace(' nan ', '     '))
if args.out: Path(args.out).write_text(json.dumps(results, indent=2))
