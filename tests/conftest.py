import os, sys
from pathlib import Path
import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SHARED = (REPO/'..'/'shared'/'data').resolve()

def needs_shared(sub):
    "Skip unless ../shared/data/<sub> exists (a fresh clone outside this workplace has no real data)."
    return pytest.mark.skipif(not (SHARED/sub).exists(), reason=f"real data not present: {SHARED/sub} (see README, 'Real data')")

TINY = ['synthetic.n_users=120', 'synthetic.n_items=100', 'synthetic.n_weeks=3',
        'evaluate.als_iterations=3', 'evaluate.bpr_iterations=5', 'synthetic.n_judged_queries=20']
