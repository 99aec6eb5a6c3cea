"""The exported library: generated from the notebooks, in sync with them, documented."""
import importlib, inspect, shutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def lib_modules():
    "Names of the generated modules of sotavision (every .py file but the package's own bookkeeping)"
    return sorted('.'.join(p.relative_to(ROOT/'sotavision').with_suffix('').parts) for p in (ROOT/'sotavision').rglob('*.py')
                  if not p.stem.startswith('_'))

def test_library_in_sync_with_notebooks(tmp_path):
    """Does re-exporting the notebooks reproduce sotavision/ exactly (nobody edited the library by hand)?"""
    for name in ('nbs', 'sotavision'): shutil.copytree(ROOT/name, tmp_path/name)
    shutil.copy(ROOT/'pyproject.toml', tmp_path)
    r = subprocess.run([str(BIN/'nbdev-export')], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    committed = {str(p.relative_to(ROOT)): p.read_text() for p in (ROOT/'sotavision').rglob('*.py')}
    exported = {str(p.relative_to(tmp_path)): p.read_text() for p in (tmp_path/'sotavision').rglob('*.py')}
    assert exported.keys() == committed.keys(), f"modules differ: {exported.keys() ^ committed.keys()}"
    stale = [k for k in committed if committed[k] != exported[k]]
    assert not stale, f"{stale} differ from what nbdev-export makes of nbs/: edit the notebook and run nbdev-export"

def test_every_exported_function_has_a_docstring():
    """Has every public function and class of every module a docstring (the API reference shows it)?"""
    missing = []
    for name in lib_modules():
        mod = importlib.import_module(f'sotavision.{name}')
        for k in getattr(mod, '__all__', []):
            o = getattr(mod, k)
            if (inspect.isfunction(o) or inspect.isclass(o)) and not inspect.getdoc(o): missing.append(f'{name}.{k}')
    assert not missing, f"no docstring: {missing}"

def test_notebooks_are_clean():
    """Are the committed notebooks free of execution counts (nbdev-clean), and free of outputs but for the lessons,
    which are committed with their tiny-scale outputs (tests/test_lessons.py checks those)?"""
    import json, re
    dirty = []
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')) + sorted((ROOT/'solutions').rglob('*.ipynb')):
        lesson = nb.parent.name == 'nbs' and re.match(r'(0\d|1[0-2])_', nb.name)
        cells = json.loads(nb.read_text())['cells']
        if any((c.get('outputs') and not lesson) or c.get('execution_count') for c in cells if c['cell_type'] == 'code'):
            dirty.append(str(nb.relative_to(ROOT)))
    assert not dirty, f"run nbdev-clean (and keep outputs out of all but the lessons): {dirty}"
