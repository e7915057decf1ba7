import os, sys
from pathlib import Path
import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SHARED = (REPO/'..'/'shared'/'data').resolve()

def needs_shared(sub):
    "Skip unless ../shared/data/<sub> exists (a fresh clone outside this workplace has no real data)."
    return pytest.mark.skipif(not (SHARED/sub).exists(), reason=f"real data not present: {SHARED/sub} (see README, 'Real data')")

import tempfile
from recsys_nb.testing import tiny_bert
TINY_BERT = tiny_bert(Path(tempfile.gettempdir())/'recsys_nb_tiny_bert')  # a random BERT from a config: no weights needed
TINY = ['synthetic.n_users=120', 'synthetic.n_items=100', 'synthetic.n_weeks=3',
        'evaluate.als_iterations=3', 'evaluate.bpr_iterations=5', 'synthetic.n_judged_queries=20',
        f'model.name={TINY_BERT}', 'model.max_tokens=32', 'finetune.epochs=2', 'finetune.head_dim=32', 'finetune.interest_steps=3', 'rank.interest_rows=20']

@pytest.fixture(scope='session')
def tiny_run(tmp_path_factory):
    "One finished tiny run for the whole session; tests that change a run copy it first (`copy_of_tiny_run`)."
    import subprocess
    out = tmp_path_factory.mktemp('tiny_run')
    cmd = [str(BIN/'recsys-nb'), 'run', '--out', str(out)] + [a for o in TINY for a in ('--set', o)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    return out

def copy_of(run, tmp_path_factory, name):
    import shutil
    out = tmp_path_factory.mktemp(name)/'run'
    shutil.copytree(run, out)
    return out
