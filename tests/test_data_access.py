"""The scale switch and the full-scale download path of `sotavision.data`, as a user meets them."""
import os, subprocess, sys, textwrap
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def run_py(code, **env):
    "Run `code` in a fresh interpreter with `env` added to the environment; return the completed process"
    e = {k: v for k, v in os.environ.items() if k != 'SOTAVISION_SCALE'} | env  # the caller's scale, if any, wins
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)], env=e, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)

@pytest.mark.parametrize('fn,url_attr', [('get_pets', 'PETS'), ('get_imagenette', 'IMAGENETTE')])
def test_full_scale_offline_says_what_was_tried(tmp_path, fn, url_attr):
    """Without internet, does `full` fail with the URL tried, where to put the data, and the tiny fallback?"""
    # An unreachable proxy stands in for "no internet", and an empty FASTAI_HOME for "never downloaded".
    dead = 'http://127.0.0.1:9'
    r = run_py(f"""
        from sotavision.data import {fn}
        from fastai.data.external import URLs
        try: {fn}('full')
        except RuntimeError as e: print('URL=' + URLs.{url_attr}); print('MSG=' + str(e))
        else: print('NO ERROR')
        """, HTTPS_PROXY=dead, HTTP_PROXY=dead, https_proxy=dead, http_proxy=dead, FASTAI_HOME=str(tmp_path/'fastai'))
    assert r.returncode == 0, r.stderr
    assert 'NO ERROR' not in r.stdout
    url = r.stdout.split('URL=')[1].splitlines()[0]
    msg = r.stdout.split('MSG=')[1]
    assert f'tried to download {url}' in msg
    assert str(tmp_path/'fastai') in msg, "the message should say where to extract a manual download"
    assert 'SOTAVISION_SCALE=tiny' in msg

def test_scale_from_environment_is_validated():
    """Does an unknown SOTAVISION_SCALE fail with the list of valid scales?"""
    r = run_py("""
        from sotavision.data import get_pets
        try: get_pets()
        except ValueError as e: print(e)
        """, SOTAVISION_SCALE='medium')
    assert "Unknown scale 'medium' (from $SOTAVISION_SCALE)" in r.stdout, r.stdout + r.stderr
    assert "'tiny'" in r.stdout and "'full'" in r.stdout

def test_tiny_is_the_default_and_bundled():
    """With no setting, do both datasets come from the repository's data/ folder?"""
    r = run_py("""
        from sotavision.data import get_pets, get_imagenette
        print(get_pets()); print(get_imagenette())
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(ROOT/'data'/'pets_tiny'), str(ROOT/'data'/'imagenette_tiny')]

def test_missing_bundled_data_names_the_folder(tmp_path):
    """When the bundled data is not where it should be, does the error name the folder and the fix?"""
    r = run_py("""
        from sotavision.data import get_imagenette
        try: get_imagenette('tiny')
        except FileNotFoundError as e: print(e)
        """, SOTAVISION_DATA=str(tmp_path))
    assert str(tmp_path/'imagenette_tiny') in r.stdout, r.stdout + r.stderr
    assert 'make_tiny_data.py' in r.stdout
