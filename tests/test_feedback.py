"The feedback log: nothing acknowledged is lost when the writer is killed, and the service logs what it shows and hears."
import json, signal, sqlite3, subprocess, sys, time
import pandas as pd
import httpx
import pytest
from conftest import BIN, copy_of
from test_serve import start_server

WRITER = '''
import sys
from recsys_nb.feedback import FeedbackLog
log, batch, size = FeedbackLog(sys.argv[1]), int(sys.argv[2]), 50
while True:
    log.log_events([dict(event_id=f"b{batch}-{i}", event="click", user_id=f"U{i}", item_id=f"I{i}",
                         timestamp="2024-01-01T00:00:00") for i in range(size)])
    print(batch, flush=True)  # acknowledged: log_events returned after the commit
    batch += 1
'''

def kill_writer_after(path, first_batch, acks):
    "Run a writer from `first_batch`, SIGKILL it once it acknowledged `acks` batches; the batches it acknowledged."
    proc = subprocess.Popen([sys.executable, '-c', WRITER, str(path), str(first_batch)], stdout=subprocess.PIPE, text=True)
    acked = []
    while len(acked) < acks: acked.append(int(proc.stdout.readline()))
    proc.send_signal(signal.SIGKILL)  # mid-stream: the writer is always inside or between transactions
    acked += [int(line) for line in proc.stdout.read().split()]  # anything it printed before dying was acknowledged
    proc.wait()
    return acked

def test_sigkill_loses_no_acknowledged_event(tmp_path):
    path, acked, first = tmp_path/'feedback.sqlite', [], 0
    for acks in (5, 40, 17):  # three kills at different moments, reopening the same log each time
        acked += kill_writer_after(path, first, acks)
        first = acked[-1] + 1000  # the killed writer may have committed batches it never acknowledged
    db = sqlite3.connect(path)
    assert db.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
    per_batch = dict(db.execute("SELECT substr(event_id, 1, instr(event_id, '-') - 1), count(*) FROM outcomes GROUP BY 1"))
    assert all(per_batch.get(f'b{b}') == 50 for b in acked), 'an acknowledged event is missing'
    assert set(per_batch.values()) == {50}, 'a partial batch was stored'
    nulls = db.execute('SELECT count(*) FROM outcomes WHERE user_id IS NULL OR item_id IS NULL OR timestamp IS NULL')
    assert nulls.fetchone()[0] == 0

@pytest.fixture(scope='module')
def logging_server(tiny_run, tmp_path_factory):
    run_dir = copy_of(tiny_run, tmp_path_factory, 'logged')
    log = run_dir/'feedback.sqlite'
    proc, url = start_server('--run', str(run_dir), '--feedback', str(log), '--explore', '1.0')
    yield url, log, run_dir
    proc.terminate()
    proc.wait(10)

def test_the_service_logs_what_it_shows_and_what_it_hears(logging_server):
    from recsys_nb.feedback import FeedbackLog, read_log
    from recsys_nb.serve import Recommender
    url, path, run_dir = logging_server
    rec = Recommender.load(run_dir)
    user = rec.test_rows.user_id[0]
    r = httpx.get(f'{url}/recommend', params=dict(user_id=user, k=5))
    request, shown = r.headers['X-Request-Id'], r.json()
    assert r.status_code == 200 and len(shown) == 5 and all(0 < x['propensity'] <= 1 for x in shown)
    assert any(x['propensity'] < 1 for x in shown)  # exploring: the list was drawn
    click = dict(event_id=f'{request}:click', event='click', user_id=user, item_id=shown[2]['item_id'],
                 timestamp='2024-05-01T10:00:00Z', request_id=request)
    r = httpx.post(f'{url}/feedback', json=[click, click | dict(event_id='c2', item_id='no-such-item')])
    assert r.status_code == 200 and r.json() == dict(accepted=1, duplicates=0,
                                                     rejected=[dict(index=1, reason="unknown item: 'no-such-item'")])
    assert httpx.post(f'{url}/feedback', json=[click]).json()['duplicates'] == 1
    # a taken event_id with other content is rejected; the good event beside it is stored
    r = httpx.post(f'{url}/feedback', json=[click | dict(event='purchase'), click | dict(event_id='c6')])
    assert r.status_code == 200 and r.json()['accepted'] == 1 and r.json()['rejected'][0]['index'] == 0
    assert 'other content' in r.json()['rejected'][0]['reason']
    r = httpx.post(f'{url}/feedback', json=[click | dict(event_id='c3', timestamp='yesterday')])
    assert r.status_code == 422 and 'not an ISO 8601 time' in r.text
    impression = dict(event_id='i9', event='impression', user_id=user, item_id=shown[0]['item_id'], position=1,
                      model_version='v', propensity=0.5, timestamp='2024-05-01T10:00:00Z', request_id='r9')
    bad = {'position': impression | dict(position=2**70), 'request_id': {**impression, 'request_id': None},
           'timestamp': click | dict(event_id='c4', timestamp='9999-12-31T23:59:59-01:00')}
    for field, event in bad.items():  # inputs that once reached SQLite (or the calendar) and failed the whole batch
        r = httpx.post(f'{url}/feedback', json=[event])
        assert r.status_code == 422 and field in r.text, r.text
    surrogate = b'[{"event_id": "c5", "event": "click", "user_id": "\\ud800", "item_id": "x", "timestamp": "2024-05-01"}]'
    r = httpx.post(f'{url}/feedback', content=surrogate, headers={'content-type': 'application/json'})
    assert r.status_code == 422 and 'not valid Unicode' in r.text, r.text
    r = httpx.post(f'{url}/feedback', json={'not': 'a list', 'secret': 'x' * 1000})
    assert r.status_code == 422 and 'secret' not in r.text  # the reason, not the body echoed back
    assert httpx.post(f'{url}/feedback', content=b'{broken').status_code == 422
    with FeedbackLog(path) as log: impressions, outcomes = read_log(log)
    ours = impressions[impressions.request_id == request].sort_values('position')
    assert ours.item_id.tolist() == [x['item_id'] for x in shown] and (ours.model_version == run_dir.name).all()
    assert outcomes.event_id.tolist() == [click['event_id'], 'c6']
    assert outcomes.timestamp[0] == '2024-05-01T10:00:00.000000'

def tree_digest(folder):
    "A digest of every file under `folder` but the feedback log, by path: what a retrain must not change."
    import hashlib
    # the log is the retrain's input, open in the live server too: SQLite readers mark their reads in its -shm file
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob('*'))
            if p.is_file() and not p.name.startswith('feedback.sqlite')}

def test_retrain_killed_midway_leaves_the_live_run_untouched(logging_server, tmp_path):
    from conftest import TINY
    from test_serve import cli
    from recsys_nb.serve import Recommender
    url, log, live = logging_server
    for user in Recommender.load(live).test_rows.user_id[:6]:  # lists to learn from, and some to hold out
        assert httpx.get(f'{url}/recommend', params=dict(user_id=user, k=5)).status_code == 200
    before, out = tree_digest(live), tmp_path/'round1'
    args = ['retrain', '--run', str(live), '--feedback', str(log), '--out', str(out), *[a for o in TINY for a in ('--set', o)]]
    proc = subprocess.Popen([str(BIN/'recsys-nb'), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):  # kill it once the retrained run is half done
        stages = out/'run'/'.stages.json'
        if stages.exists() and 'evaluate' in stages.read_text(): break
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert tree_digest(live) == before and not (out/'promotion.json').exists()
    r = cli(*args)  # run again: it finishes, and judges the retrained run against the live one
    assert r.returncode == 0, r.stderr[-2000:]
    decision = json.loads((out/'promotion.json').read_text())
    assert decision['why'].startswith(('promoted', 'kept the live model')) and set(decision['candidate']) == {'valid_ndcg10', 'snips_ctr'}
    assert tree_digest(live) == before
    events = pd.read_parquet(out/'run'/'clean'/'events.parquet')
    assert (events.session_id.astype(str).str.len() == 32).any()  # the logged requests went through clean

def test_a_busy_log_answers_503_and_stores_nothing(logging_server, tmp_path):
    "Another writer holding the log past its timeout: 503 with Retry-After and the reason, nothing stored; then 200."
    import threading
    import uvicorn
    from recsys_nb.feedback import FeedbackLog, count_rows
    from recsys_nb.serve import Recommender, make_app
    from test_serve import free_port
    rec = Recommender.load(logging_server[2])
    path = tmp_path/'busy.sqlite'
    log = FeedbackLog(path, known_items=rec.items.item_id, timeout=0.2)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(make_app(rec, log), host='127.0.0.1', port=port, log_level='warning'))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started: break
        time.sleep(0.1)
    url = f'http://127.0.0.1:{port}'
    click = dict(event_id='busy-1', event='click', user_id='u1', item_id=str(rec.items.item_id[0]),
                 timestamp='2024-05-01T10:00:00Z', request_id='r-busy')
    other = sqlite3.connect(path, isolation_level=None)
    other.execute('BEGIN IMMEDIATE')  # another writer holds the log
    try:
        r = httpx.post(f'{url}/feedback', json=[click])
        assert r.status_code == 503 and r.headers['Retry-After'] == '1' and 'database is locked' in r.text, r.text
        r = httpx.get(f'{url}/recommend', params=dict(user_id=rec.test_rows.user_id[0], k=3))
        assert r.status_code == 503, r.text  # the list's impressions could not be logged
    finally:
        other.execute('ROLLBACK')
        other.close()
    assert count_rows(log) == dict(impressions=0, outcomes=0, rejected=0)
    r = httpx.post(f'{url}/feedback', json=[click])
    assert r.status_code == 200 and r.json()['accepted'] == 1, r.text
    # a fault that stays (a log of another schema) is no reason to retry: a 500 that says nothing more
    with log.lock: log.db.execute('ALTER TABLE outcomes RENAME COLUMN request_id TO request')
    r = httpx.post(f'{url}/feedback', json=[click | dict(event_id='busy-2')])
    assert r.status_code == 500 and 'Retry-After' not in r.headers and 'request_id' not in r.text, r.text
    server.should_exit = True
    thread.join(10)
    log.close()
