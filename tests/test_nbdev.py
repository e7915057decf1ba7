"nbdev-export and nbdev-clean must change nothing: the package matches the notebooks, the notebooks are clean."
import shutil, subprocess
from conftest import REPO, BIN

def snapshot(root):
    return {p.relative_to(root): p.read_bytes() for d in ('nbs', 'recsys_nb') for p in (root/d).rglob('*')
            if p.is_file() and '__pycache__' not in p.parts and '.ipynb_checkpoints' not in p.parts}

def test_export_and_clean_change_nothing(tmp_path):
    for name in ('nbs', 'recsys_nb'): shutil.copytree(REPO/name, tmp_path/name, ignore=shutil.ignore_patterns('__pycache__'))
    for name in ('pyproject.toml', 'settings.ini', 'README.md'): shutil.copy(REPO/name, tmp_path/name)
    before = snapshot(tmp_path)
    for cmd in ('nbdev-export', 'nbdev-clean'):
        subprocess.run([str(BIN/cmd)], cwd=tmp_path, check=True, capture_output=True)
    after = snapshot(tmp_path)
    assert sorted(map(str, after.keys() - before.keys())) == [], "nbdev-export created files that are not committed"
    changed = sorted(str(p) for p in before if after.get(p) != before[p])
    assert changed == [], f"run nbdev-export and nbdev-clean, then commit: {changed}"

def test_parameters_cells_are_tagged_and_not_exported():
    import nbformat
    from recsys_nb.runner import STAGES
    from recsys_nb.runner import stage_notebook
    for nb_path in map(stage_notebook, STAGES):
        nb = nbformat.read(nb_path, as_version=4)
        params = [c for c in nb.cells if 'parameters' in c.metadata.get('tags', [])]
        assert len(params) == 1, f"{nb_path.name}: needs exactly one papermill parameters cell"
        assert '#| export' not in params[0].source, f"{nb_path.name}: the parameters cell must not be exported"
        assert nb.cells[0].source.startswith('#| default_exp'), f"{nb_path.name}: #| default_exp must come first"
