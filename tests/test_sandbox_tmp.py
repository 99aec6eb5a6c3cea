"""A course that lives under /tmp (CI's fresh clone, a Hub's class root): the sandbox binds it read-only, a notebook's
fresh /tmp shows it again, and what one notebook leaves in /tmp never reaches the next."""
import shutil
from pathlib import Path

from sotavision.grading.pool import run_notebooks, _sandbox_binds, _under_tmp

REPO = Path(__file__).resolve().parents[1]


def test_data_under_tmp_is_seen_read_only_and_tmp_stays_private(tmp_path, monkeypatch):
    """Does a notebook in the sandbox read data that lives under /tmp, fail to write it, and not see /tmp files
    that the notebook before it in the same slot wrote?"""
    assert str(tmp_path).startswith('/tmp/'), tmp_path
    shutil.copytree(REPO/'data'/'pets_tiny', tmp_path/'data'/'pets_tiny')
    monkeypatch.setenv('SOTAVISION_DATA', str(tmp_path/'data'))
    assert str(tmp_path/'data') in _under_tmp(_sandbox_binds())
    (tmp_path/'work').mkdir()
    code = ("import os\nfrom sotavision.data import get_pets\nprint(len(os.listdir(get_pets())), 'leftover' in os.listdir('/tmp'))\n"
            "open('/tmp/leftover', 'w').write('x')\n"
            f"try: open({str(tmp_path/'data'/'hack')!r}, 'w')\nexcept OSError as e: print('refused', type(e).__name__)")
    job = dict(cells=[(0, 'answer', code)], workdir=str(tmp_path/'work'), memory=2**30)
    res = run_notebooks({'first': job, 'second': dict(job)}, timeout=60, n_jobs=1, preload=['json'])
    n = len(list((REPO/'data'/'pets_tiny').iterdir()))
    for name in ('first', 'second'):
        text = ''.join(o.get('text', '') for o in res[name].cells[0]['outputs'])
        assert text == f"{n} False\nrefused OSError\n", (name, res[name])
    assert not (tmp_path/'data'/'hack').exists()
