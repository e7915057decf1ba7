"The layout: every module imports only from notebooks with smaller numbers, at its top (no import hidden in a function)."
import ast, json, re
from conftest import REPO

def notebook_numbers() -> dict:
    "module name → the number of the notebook it is exported from, as (number, letter): 11a_feedback → (11, 'a')."
    out = {}
    for nb in (REPO/'nbs').glob('*.ipynb'):
        first = ''.join(json.loads(nb.read_text())['cells'][0]['source'])
        m = re.match(r'#\| default_exp (\w+)', first)
        number, letter = re.match(r'(\d+)([a-z]?)_', nb.name).groups()
        if m: out[m.group(1)] = (int(number), letter)
    return out

def package_imports(tree):
    "(node, imported module) for every import of a package module anywhere in the tree."
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level == 1: yield node, node.module.split('.')[0]
            elif node.module.startswith('recsys_nb.'): yield node, node.module.split('.')[1]
            elif node.module == 'recsys_nb': yield from ((node, a.name) for a in node.names)
        elif isinstance(node, ast.Import):
            yield from ((node, a.name.split('.')[1]) for a in node.names if a.name.startswith('recsys_nb.'))

def test_modules_import_only_downward_and_at_the_top():
    numbers = notebook_numbers()
    assert {'core', 'models', 'rank', 'search', 'feedback', 'serve', 'runner', 'rounds', 'testing', 'cli'} <= set(numbers)
    problems = []
    for module, number in sorted(numbers.items()):
        tree = ast.parse((REPO/'recsys_nb'/f'{module}.py').read_text())
        for node, target in package_imports(tree):
            if numbers.get(target, (10**6, '')) >= number: problems.append(f'{module} ({number}) imports {target} ({numbers.get(target)})')
            if node not in tree.body: problems.append(f'{module}:{node.lineno} imports {target} inside a function or block')
    assert problems == []
