"Bad input stops with one clear message naming file, row and column: never a pandas traceback."
import subprocess
import pytest
from conftest import BIN, TINY
from recsys_nb.core import DataError
from recsys_nb.data import own_data, read_table

EVENTS = 'user_id,item_id,timestamp,event\nu1,A1,2024-01-01 10:00:00,view\nu1,A2,2024-01-01 10:01:00,purchase\n'
ITEMS = 'item_id,title,price\nA1,Blue mug,4.5\nA2,Red mug,5\n'

def shop(tmp_path, items=ITEMS, events=EVENTS):
    (tmp_path/'items.csv').write_bytes(items if isinstance(items, bytes) else items.encode())
    (tmp_path/'events.csv').write_bytes(events if isinstance(events, bytes) else events.encode())
    return tmp_path

def error_of(folder, **kw):
    with pytest.raises(DataError) as e: own_data(folder, **kw)
    return str(e.value)

def test_good_files_load(tmp_path):
    ds = own_data(shop(tmp_path))
    assert len(ds.items) == 2 and ds.events.event.tolist() == ['view', 'purchase']

def test_missing_column(tmp_path):
    msg = error_of(shop(tmp_path, events=EVENTS.replace('event\n', 'action\n')))
    assert 'events.csv' in msg and "column 'event'" in msg and 'missing' in msg

def test_wrong_type_names_row_and_column(tmp_path):
    msg = error_of(shop(tmp_path, items='item_id,title,price\nA1,Blue mug,cheap\nA2,Red mug,free\n'))
    assert "items.csv, row 1, column 'price'" in msg and "'cheap'" in msg

def test_unknown_event_type(tmp_path):
    msg = error_of(shop(tmp_path, events=EVENTS.replace('purchase', 'wishlist')))
    assert "events.csv, row 2, column 'event'" in msg and 'wishlist' in msg

def test_undecodable_bytes(tmp_path):
    msg = error_of(shop(tmp_path, items='item_id,title,price\nA1,Caf\xe9 mug,4.5\nA2,Red mug,5\n'.encode('latin-1')))
    assert "items.csv, row 1, column 'title'" in msg and 'utf-8' in msg and 'data.encoding' in msg
    ds = own_data(tmp_path, encoding='latin-1')  # the documented repair
    assert ds.items.title[0] == 'Café mug'

def test_empty_file(tmp_path):
    assert 'empty' in error_of(shop(tmp_path, events=''))
    assert 'no rows' in error_of(shop(tmp_path, events='user_id,item_id,timestamp,event\n'))

def test_malformed_csv(tmp_path):
    msg = error_of(shop(tmp_path, items='item_id,title,price\nA1,Blue mug,4.5\nA2,Red,mug,5,extra\n'))
    assert 'items.csv' in msg and 'row 2' in msg

def test_duplicate_item_ids(tmp_path):
    msg = error_of(shop(tmp_path, items='item_id,title,price\nA1,Blue mug,4.5\nA1,Red mug,5\n'))
    assert "row 2, column 'item_id'" in msg

def test_cli_reports_the_stage_and_the_cause(tmp_path):
    shop(tmp_path/'shop' if (tmp_path/'shop').mkdir() is None else None, events=EVENTS.replace('purchase', 'wishlist'))
    r = subprocess.run([str(BIN/'recsys-nb'), 'run', '--data', str(tmp_path/'shop'), '--out', str(tmp_path/'run')],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "stage 'data' failed: DataError" in r.stderr and "column 'event'" in r.stderr
    assert 'Traceback' not in r.stderr
