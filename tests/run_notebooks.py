"""Run every notebook's cells as `nbdev-test` does, the test cells tagged `skip-execution` included.

The stage notebooks tag their test cells `skip-execution` so that papermill (`recsys-nb run`) executes only the
exported code and the run section. nbdev 3's `nbdev-test` skips those cells too (nbclient's skip tag), which would
leave every such test unrun: here each notebook is copied without that tag into a temporary folder beside the
originals (so nbdev finds the project's settings) and tested there; cells flagged `notest` or `slow` stay skipped.

    python tests/run_notebooks.py [--n-workers 2] [nbs/04_evaluate.ipynb ...]
"""
import argparse, json, shutil, sys, tempfile
from pathlib import Path
from fastcore.parallel import parallel
from nbdev.config import get_config
from joblib.externals.loky import get_reusable_executor
from nbdev.test import test_nb

SKIP_TAG = 'skip-execution'


def untagged_copy(notebook:Path, folder:Path) -> Path:
    "A copy of `notebook` in `folder` whose cells no longer carry the `skip-execution` tag."
    nb = json.loads(notebook.read_text())
    for cell in nb['cells']:
        tags = cell.get('metadata', {}).get('tags', [])
        if SKIP_TAG in tags: cell['metadata']['tags'] = [t for t in tags if t != SKIP_TAG]
    copy = folder/notebook.name
    copy.write_text(json.dumps(nb))
    return copy


def test_notebook(notebook:Path, **kwargs) -> tuple:
    "nbdev's `test_nb`, then the end of joblib's worker processes that the notebook started: idle, they would keep this\
 process from exiting for loky's idle timeout (5 minutes)."
    result = test_nb(notebook, **kwargs)
    get_reusable_executor().shutdown(wait=True, kill_workers=True)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('notebooks', nargs='*', help='notebooks to test (default: every notebook in nbs/)')
    parser.add_argument('--n-workers', type=int, default=2, help='notebooks tested at a time')
    args = parser.parse_args(argv)
    cfg = get_config()
    notebooks = [Path(p).absolute() for p in args.notebooks] or sorted(cfg.nbs_path.glob('[!_.]*.ipynb'))
    flags = cfg.tst_flags.split() if isinstance(cfg.tst_flags, str) else list(cfg.tst_flags or [])
    folder = Path(tempfile.mkdtemp(prefix='.notebook_tests_', dir=cfg.nbs_path))
    try:
        copies = [untagged_copy(nb, folder) for nb in notebooks]
        # by reference to this file as a module, not to `__main__`: a worker's `__main__` is the notebook it last ran
        from run_notebooks import test_notebook as run_one
        results = parallel(run_one, copies, skip_flags=flags, n_workers=args.n_workers, basepath=cfg.config_path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    failed = [nb.name for nb, (passed, _) in zip(notebooks, results) if not passed]
    for nb, (passed, seconds) in zip(notebooks, results): print(f"{nb.name}: {'ok' if passed else 'FAILED'} ({seconds:.0f} s)")
    if failed: print('notebooks with a failing cell: ' + ', '.join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__': sys.exit(main())
