"Serving a finished run: parity with the rank stage, new users, bad requests, the command line and HTTP over a real server."
import socket, subprocess, time
from pathlib import Path
import httpx
import pandas as pd
import pytest
from conftest import BIN, copy_of

@pytest.fixture(scope='module')
def run_dir(tiny_run, tmp_path_factory):
    return copy_of(tiny_run, tmp_path_factory, 'served')

@pytest.fixture(scope='module')
def rec(run_dir):
    from recsys_nb.serve import Recommender
    return Recommender.load(run_dir)

def test_every_artefact_is_saved_and_loads(run_dir):
    from recsys_nb.core import ARTEFACTS, artefact_path, load_model, run_settings
    kind = run_settings(run_dir)['search']['query_model']
    unfitted = {'query_adapter', 'query_encoder'} - {f'query_{kind}'}  # the search stage fits the query model it is told to
    if kind == 'encoder':  # saved only when an epoch of fine-tuning helped on the held-out folds
        curve = pd.read_parquet(run_dir/'search'/'query_encoder_log.parquet').dropna(subset=['valid_ndcg10'])
        if not len(curve) or curve.epoch[curve.valid_ndcg10.idxmax()] == 0:
            unfitted.add('query_encoder')
            assert not artefact_path(run_dir, 'query_encoder').exists()
    for name in set(ARTEFACTS) - unfitted: assert artefact_path(run_dir, name).exists(), name
    for name in ('pca', 'base_pca', 'ranker', 'cooccurrence', 'fusion'): load_model(run_dir, name)

def test_recommend_returns_the_lists_the_rank_stage_evaluated(rec, run_dir):
    from recsys_nb.core import artefact_path
    lists = pd.read_parquet(artefact_path(run_dir, 'test_lists'))
    assert len(lists) > 10
    k = max(len(x) for x in lists['items'])
    for user, expected in zip(lists.user_id, lists['items']):
        assert rec.recommend(user, k=k).item_id.tolist() == list(expected), user
    export = pd.read_parquet(rec.recommend_all(k=k, path=run_dir/'all.parquet', progress=False))
    got = export.groupby('user_id').item_id.agg(list)
    for user, expected in zip(lists.user_id, lists['items']): assert got[user] == list(expected), user

def test_new_users_and_bad_requests(rec):
    from recsys_nb.serve import ServeError
    history = rec.users.history[rec.test_rows.user_id[0]]
    clicks = rec.items.item_id.to_numpy()[history[-3:]].tolist()
    recs = rec.recommend(history=clicks, k=5)
    assert len(recs) == 5 and not set(recs.item_id) & set(clicks)
    assert (rec.recommend(history=[], k=3).because == 'popular (no history to personalise from)').all()
    assert len(rec.search('drill', k=4)) == 4 and len(rec.search('drill', k=4, user_id=rec.test_rows.user_id[0])) == 4
    assert clicks[-1] not in set(rec.similar_items(clicks[-1], k=5).item_id)
    for call, message, status in ((lambda: rec.recommend('nobody'), "unknown user_id 'nobody'", 404),
                                  (lambda: rec.recommend(history=['x-1', clicks[0]]), "unknown item_id 'x-1'", 404),
                                  (lambda: rec.recommend(rec.test_rows.user_id[0], k=0), 'k must be between 1 and', 422),
                                  (lambda: rec.search(''), 'the query is empty', 422),
                                  (lambda: rec.search('a' * 501), 'at most 500', 422),
                                  (lambda: rec.recommend(), 'give a user_id or a history', 422)):
        with pytest.raises(ServeError, match=message) as e: call()
        assert e.value.status == status

def cli(*args):
    return subprocess.run([str(BIN/'recsys-nb'), *args], capture_output=True, text=True)

def test_command_line(rec, run_dir, tmp_path):
    user = rec.test_rows.user_id[0]
    r = cli('recommend', '--run', str(run_dir), '--user', user, '-k', '3')
    assert r.returncode == 0 and all(i in r.stdout for i in rec.recommend(user, k=3).item_id), r.stderr
    r = cli('search', '--run', str(run_dir), 'drill', '--user', user)
    assert r.returncode == 0 and 'item_id' in r.stdout, r.stderr
    r = cli('export', '--run', str(run_dir), '--out', str(tmp_path/'recs.parquet'), '-k', '2')
    assert r.returncode == 0 and pd.read_parquet(tmp_path/'recs.parquet').groupby('user_id').size().max() == 2
    r = cli('recommend', '--run', str(run_dir), '--user', 'nobody')
    assert r.returncode == 1 and "unknown user_id 'nobody'" in r.stderr and 'Traceback' not in r.stderr

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

def start_server(*args):
    "`recsys-nb serve --port <free> ARGS`: the process and its URL, once /health answers."
    port = free_port()
    proc = subprocess.Popen([str(BIN/'recsys-nb'), 'serve', '--port', str(port), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f'http://127.0.0.1:{port}'
    for _ in range(240):
        try:
            if httpx.get(f'{url}/health').status_code == 200: return proc, url
        except httpx.TransportError: time.sleep(0.5)
    proc.kill()
    pytest.fail(f'the server did not start: {proc.stdout.read()[-2000:]}')

@pytest.fixture(scope='module')
def server(run_dir):
    proc, url = start_server('--run', str(run_dir))
    yield url
    proc.terminate()
    proc.wait(10)

def test_http_service(server, rec):
    user = rec.test_rows.user_id[0]
    health = httpx.get(f'{server}/health').json()
    assert health['status'] == 'ok' and health['items'] == len(rec.items)
    r = httpx.get(f'{server}/recommend', params=dict(user_id=user, k=4))
    assert r.status_code == 200 and [x['item_id'] for x in r.json()] == rec.recommend(user, k=4).item_id.tolist()
    clicks = ','.join(rec.items.item_id.iloc[:3])
    assert len(httpx.get(f'{server}/recommend', params=dict(history=clicks, k=5)).json()) == 5
    assert len(httpx.get(f'{server}/search', params=dict(q='drill', k=3, user_id=user)).json()) == 3
    item = rec.items.item_id.iloc[0]
    assert len(httpx.get(f'{server}/items/{item}/similar', params=dict(k=2)).json()) == 2
    r = httpx.post(f'{server}/feedback', json=[])
    assert r.status_code == 409 and 'keeps no feedback log' in r.text  # started without --feedback
    assert httpx.get(f'{server}/docs').status_code == 200 and '/recommend' in httpx.get(f'{server}/openapi.json').json()['paths']

@pytest.mark.parametrize('path, params, status, says', [
    ('/recommend', dict(user_id='nobody'), 404, "unknown user_id 'nobody'"),
    ('/recommend', dict(history='no-such-item'), 404, "unknown item_id 'no-such-item'"),
    ('/recommend', dict(), 422, 'give a user_id or a history'),
    ('/recommend', dict(user_id='x', k=0), 422, 'greater than or equal to 1'),
    ('/recommend', dict(user_id='x', k=10**6), 422, 'less than or equal to 1000'),
    ('/recommend', dict(user_id='x', k='ten'), 422, 'valid integer'),
    ('/search', dict(q=''), 422, 'at least 1 character'),
    ('/search', dict(q='   '), 422, 'the query is empty'),
    ('/search', dict(q='a' * 600), 422, 'at most 500 characters'),
    ('/items/no-such-item/similar', dict(), 404, "unknown item_id 'no-such-item'"),
])
def test_http_bad_requests_get_a_4xx_with_a_reason(server, path, params, status, says):
    r = httpx.get(f'{server}{path}', params=params)
    assert r.status_code == status and says in r.text and 'Traceback' not in r.text, r.text
