"""The offline half of the docs build: does nbdev-proc-nbs process every page?"""
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def test_every_page_is_processed(tmp_path):
    """Does nbdev-proc-nbs turn every notebook in nbs/ into a page in _proc/ without Quarto?"""
    # `make test` runs nbdev-proc-nbs before pytest; run it here too when _proc/ is missing or stale.
    pages = sorted(p.name for p in (ROOT/'nbs').glob('*.ipynb'))
    proc = ROOT/'_proc'
    stale = not proc.exists() or any(not (proc/p).exists() or (proc/p).stat().st_mtime < (ROOT/'nbs'/p).stat().st_mtime
                                     for p in pages)
    if stale:
        r = subprocess.run([str(BIN/'nbdev-proc-nbs')], cwd=ROOT, capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    missing = [p for p in pages if not (proc/p).exists()]
    assert not missing, f"not processed: {missing}"
    assert (proc/'_quarto.yml').exists() and (proc/'sidebar.yml').exists()
    sidebar = (proc/'sidebar.yml').read_text()
    assert all(p in sidebar for p in pages), "every page should be in the sidebar"

def test_no_lesson_cell_mixes_imports_with_code():
    """Is every import in a lesson cell of its own (nbdev-proc-nbs runs import cells out of order for the docs)?"""
    import ast, json, re
    bad = []
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')):
        for i, c in enumerate(json.loads(nb.read_text())['cells']):
            src = ''.join(c['source'])
            if c['cell_type'] != 'code' or re.search(r'^#\|\s*(export|exports|exporti|exec_doc)\b', src, re.M): continue
            try: body = ast.parse(src).body
            except SyntaxError: continue
            has_import = any(isinstance(n, (ast.Import, ast.ImportFrom)) for b in body for n in ast.walk(b))
            if has_import and not all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in body):
                bad.append(f"{nb.name} cell {i}: {src.splitlines()[0]!r}")
    assert not bad, "move these imports into a cell of their own (or to the lesson's import cell):\n" + "\n".join(bad)
