"""The GPU benchmark in bench/: its pieces, its refusals, and a CPU smoke run that writes the JSON it promises."""
import importlib.util, json, subprocess, sys
from pathlib import Path
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT/'bench'/'train_imagenette_gpu.py'

@pytest.fixture(scope='module')
def bench():
    "The benchmark script imported as a module (its top level imports only numpy and PIL)"
    spec = importlib.util.spec_from_file_location('train_imagenette_gpu', SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod

def test_synthetic_images_are_jpegs_of_varied_sizes_in_every_class(bench, tmp_path):
    """Does make_images write the requested JPEGs, ten classes in train/ and val/, at several different sizes?"""
    bench.make_images(tmp_path, n_train=30, n_valid=10, min_side=40, max_side=120, workers=1)
    for split, n in (('train', 30), ('val', 10)):
        files, labels = bench.list_images(tmp_path, split)
        assert len(files) == n and sorted(set(labels)) == list(range(10))
    files = bench.list_images(tmp_path, 'train')[0]
    sizes = set()
    for f in files:
        with Image.open(f) as im: assert im.format == 'JPEG' and im.mode == 'RGB'; sizes.add(im.size)
    assert len(sizes) >= 5, sizes
    assert all(min(s) >= 20 and max(s) <= 120 for s in sizes), sizes

def test_synthetic_images_are_reproducible(bench):
    """Does the same class and seed always draw the same picture (so runs are comparable)?"""
    a, b = bench.draw_image(3, 7, 40, 80), bench.draw_image(3, 7, 40, 80)
    assert a.size == b.size and a.tobytes() == b.tobytes()

def test_image_cache_is_square_uint8(bench, tmp_path):
    """Does the tuned pipeline's cache decode every file once into an (N, 3, side, side) uint8 tensor?"""
    bench.make_images(tmp_path, n_train=10, n_valid=10, min_side=40, max_side=90, workers=1)
    files = bench.list_images(tmp_path, 'train')[0]
    x = bench.cache_images(files, 36, 'cpu', workers=2)
    assert tuple(x.shape) == (10, 3, 36, 36) and str(x.dtype) == 'torch.uint8'

def test_summary_leaves_out_the_first_epoch(bench):
    """Are seconds per epoch and images per second taken from the epochs after the first (warm-up) one?"""
    eps = [dict(secs=10., train_secs=9., train_images=100), dict(secs=2., train_secs=1.5, train_images=300),
           dict(secs=4., train_secs=1.5, train_images=300)]
    s = bench.summarize(eps)
    assert s['sec_per_epoch'] == 3. and s['img_per_s'] == 200. and s['first_epoch_s'] == 10. and s['steady_epochs'] == 2
    assert bench.summarize(eps[:1])['img_per_s'] == 100 / 9.

@pytest.mark.parametrize('args, msg', [
    (['--settings', 'book,fast'], "unknown setting(s) ['fast']"),
    (['--sizes', '128,big'], "--sizes must be comma-separated integers"),
    (['--sizes', '4'], "image sizes must be at least 8 pixels"),
    (['--epochs', '0'], "--epochs must be at least 1"),
    (['--n-images', '5'], "need at least 10 training and validation images"),
])
def test_bad_options_are_refused_with_a_clear_message(bench, capsys, args, msg):
    """Is a bad command line refused, before any data is made, with a message that names the problem?"""
    with pytest.raises(SystemExit) as e: bench.parse_args(args)
    assert e.value.code == 2 and msg in capsys.readouterr().err

def test_smoke_options(bench):
    """Does --smoke mean 64 images, 32 px, 1 epoch and xresnet18, whatever the defaults are?"""
    a = bench.parse_args(['--smoke'])
    assert (a.n_images, a.sizes, a.epochs, a.arch, a.settings) == (64, [32], 1, 'xresnet18', ['book', 'tuned'])

def test_smoke_run_writes_the_promised_json(tmp_path):
    """Does `--smoke` train both settings on a CPU, print the side-by-side table and write every promised JSON field?"""
    out = tmp_path/'sub'/'bench.json'
    r = subprocess.run([sys.executable, str(SCRIPT), '--smoke', '--out', str(out)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    assert 'sec_per_epoch' in r.stdout and 'tuned / book at 32 px' in r.stdout
    res = json.loads(out.read_text())
    assert set(res) >= {'meta', 'runs', 'speedup', 'total_s'}
    m = res['meta']
    assert (m['smoke'], m['n_images'], m['sizes'], m['epochs'], m['arch']) == (True, 64, [32], 1, 'xresnet18')
    assert {'device', 'cuda', 'torch', 'fastai', 'n_valid', 'settings', 'data_gen_s', 'date'} <= set(m)
    runs = {r['setting']: r for r in res['runs']}
    assert set(runs) == {'book', 'tuned'} and len(res['runs']) == 2
    for r in runs.values():
        assert r['size'] == 32 and r['epochs'] == 1 and r['n_train'] == 64 and len(r['epoch_log']) == 1
        assert r['sec_per_epoch'] > 0 and r['img_per_s'] > 0 and r['prep_s'] >= 0 and 0 <= r['valid_accuracy'] <= 1
        assert r['epoch_log'][0]['train_images'] == 64 - 64 % r['bs']  # training drops the last partial batch
    assert (runs['book']['precision'], runs['book']['channels_last'], runs['book']['pipeline']) == ('fp32', False, 'jpeg-presize')
    assert (runs['tuned']['precision'], runs['tuned']['channels_last'], runs['tuned']['pipeline']) == ('bf16', True, 'gpu-cache')
    assert runs['tuned']['bs'] > runs['book']['bs']
    assert runs['tuned']['bf16_active'] == m['cuda']  # bf16 autocast only takes effect on a GPU
    assert set(res['speedup']) == {'32'} and res['speedup']['32'] > 0

def test_data_folder_is_reused_and_foreign_folders_are_left_alone(bench, tmp_path):
    """Is a --data folder made by the script reused as it is, and is a folder it did not make refused, not overwritten?"""
    a = bench.parse_args(['--smoke', '--data', str(tmp_path/'synth')])
    folder, secs, tmp = bench.get_data(a)
    files = bench.list_images(folder, 'train')[0]
    assert not tmp and secs > 0 and len(files) == 64 and len(bench.list_images(folder, 'val')[0]) == 32
    mtime = files[0].stat().st_mtime_ns
    assert bench.get_data(a)[1] == 0. and files[0].stat().st_mtime_ns == mtime  # reused, not redrawn
    mine = tmp_path/'mine'
    mine.mkdir(); (mine/'notes.txt').write_text('keep me')
    with pytest.raises(SystemExit, match="not empty and was not made by this script"):
        bench.get_data(bench.parse_args(['--smoke', '--data', str(mine)]))
    assert (mine/'notes.txt').read_text() == 'keep me' and len(list(mine.iterdir())) == 1
