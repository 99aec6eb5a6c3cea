#!/usr/bin/env python
"""Chapter 7's Imagenette recipe on a GPU, with synthetic data of Imagenette's size: the book's settings against tuned ones.

Makes 9,469 training and 3,925 validation JPEGs of varied sizes on the machine (nothing is downloaded), then trains
xresnet50 with `fit_one_cycle` at each image size under each setting and reports seconds per epoch and training
images per second, side by side, as a table and as JSON.

    python bench/train_imagenette_gpu.py                  # both settings at 128 and 224 pixels, 3 epochs each
    python bench/train_imagenette_gpu.py --smoke          # a CPU smoke test: 64 images, 32 px, 1 epoch, xresnet18

Settings:
  book   fp32, xresnet50, batch size 64, the presizing pipeline: JPEGs decoded and `Resize(460)` on the CPU every
         epoch, `aug_transforms(size, min_scale=0.75)` and ImageNet normalization on the GPU.
  tuned  bf16 mixed precision (`to_bf16`), channels-last memory, batch size 256, images decoded once, pre-sized to
         1.25 x size and cached as uint8 tensors on the GPU; the same `aug_transforms` and normalization on the GPU.
"""
import argparse, gc, json, math, os, platform, shutil, statistics, sys, tempfile, time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
import numpy as np
from PIL import Image, ImageDraw

N_TRAIN, N_VALID, N_CLASSES = 9469, 3925, 10  # Imagenette (imagenette2, full size)
SETTINGS = {  # 'book' and 'tuned' run by default; the other two split the difference, to see where the speed comes from
    'book':       dict(bs=64,  precision='fp32', channels_last=False, pipeline='jpeg-presize', lr=3e-3, cudnn_benchmark=False),
    'tuned':      dict(bs=256, precision='bf16', channels_last=True,  pipeline='gpu-cache',    lr=6e-3, cudnn_benchmark=True),
    'book-bf16':  dict(bs=64,  precision='bf16', channels_last=True,  pipeline='jpeg-presize', lr=3e-3, cudnn_benchmark=True),
    'cache-fp32': dict(bs=64,  precision='fp32', channels_last=False, pipeline='gpu-cache',    lr=3e-3, cudnn_benchmark=False),
}
SMOKE = dict(n_images=64, n_valid=32, sizes=[32], epochs=1, arch='xresnet18', item_size=64, bs={'book': 16, 'tuned': 32, 'book-bf16': 16, 'cache-fp32': 16},
             min_side=40, max_side=96)

# ---------------------------------------------------------------------------------------------------------------------
# Synthetic data

PALETTE = [(200, 60, 40), (60, 170, 60), (50, 80, 200), (230, 190, 40), (150, 60, 170),
           (40, 180, 190), (240, 120, 30), (120, 120, 120), (250, 250, 250), (20, 20, 20)]

def image_size(rng, min_side=300, max_side=800):
    "A (width, height) like Imagenette's: usually 500 pixels on the long side, sometimes anything in [min_side, max_side]"
    long = 500 if rng.random() < 0.6 and min_side <= 500 <= max_side else int(rng.integers(min_side, max_side + 1))
    short = max(min_side // 2, int(long * rng.uniform(0.6, 1.0)))
    return (long, short) if rng.random() < 0.7 else (short, long)

def draw_image(cls, seed, min_side=300, max_side=800):
    "A procedural picture of class `cls`: a smooth random background, a class-coloured shape, and some grain"
    rng = np.random.default_rng(seed)
    w, h = image_size(rng, min_side, max_side)
    bg = rng.integers(0, 256, (int(rng.integers(2, 7)), int(rng.integers(2, 7)), 3), dtype=np.uint8)
    img = Image.fromarray(bg).resize((w, h), Image.BICUBIC)
    d, r = ImageDraw.Draw(img), int(min(w, h) * rng.uniform(0.2, 0.45))
    cx, cy = int(rng.integers(r, w - r + 1)), int(rng.integers(r, h - r + 1))
    col = tuple(int(np.clip(c + rng.integers(-30, 31), 0, 255)) for c in PALETTE[cls])
    box = [cx - r, cy - r, cx + r, cy + r]
    kind = cls % 5
    if kind == 0: d.ellipse(box, fill=col)
    elif kind == 1: d.rectangle(box, fill=col)
    elif kind == 2: d.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], fill=col)
    elif kind == 3:
        for k in range(-r, r, max(2, r // 4)): d.rectangle([cx - r, cy + k, cx + r, cy + k + max(1, r // 8)], fill=col)
    else: d.rectangle([cx - r, cy - r // 4, cx + r, cy + r // 4], fill=col); d.rectangle([cx - r // 4, cy - r, cx + r // 4, cy + r], fill=col)
    a = np.asarray(img, dtype=np.int16) + rng.integers(-8, 9, (h, w, 3), dtype=np.int16)  # grain, as photos have
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))

def _write_one(args):
    fn, cls, seed, min_side, max_side = args
    draw_image(cls, seed, min_side, max_side).save(fn, quality=90)

def make_images(folder, n_train=N_TRAIN, n_valid=N_VALID, n_classes=N_CLASSES, seed=0, min_side=300, max_side=800, workers=None):
    "Write `n_train` + `n_valid` synthetic JPEGs to `folder`/{train,val}/<class>/; returns `folder`"
    folder, jobs = Path(folder), []
    for split, n, off in (('train', n_train, 0), ('val', n_valid, 10**7)):
        for i in range(n):
            cls = i % n_classes
            d = folder/split/f'c{cls}'
            d.mkdir(parents=True, exist_ok=True)
            jobs.append((d/f'{i:06d}.jpg', cls, seed*10**8 + off + i, min_side, max_side))
    workers = os.cpu_count() if workers is None else workers
    if workers > 1:
        with ProcessPoolExecutor(workers) as ex: list(ex.map(_write_one, jobs, chunksize=64))
    else:
        for j in jobs: _write_one(j)
    return folder

def list_images(folder, split):
    "Sorted (files, labels) of `folder`/`split`, labels from the class folder names"
    files = sorted((Path(folder)/split).glob('*/*.jpg'))
    classes = sorted({f.parent.name for f in files})
    return files, [classes.index(f.parent.name) for f in files]

# ---------------------------------------------------------------------------------------------------------------------
# The two pipelines

def book_dls(folder, bs, size, item_size, workers):
    "Chapter 7's DataLoaders: label from the folder, `Resize(item_size)` on the CPU, `aug_transforms` + normalization on the GPU"
    from fastai.vision.all import (DataBlock, ImageBlock, CategoryBlock, get_image_files, parent_label, GrandparentSplitter,
                                   Resize, aug_transforms, Normalize, imagenet_stats)
    dblock = DataBlock(blocks=(ImageBlock, CategoryBlock), get_items=get_image_files, get_y=parent_label,
                       splitter=GrandparentSplitter(train_name='train', valid_name='val'), item_tfms=Resize(item_size),
                       batch_tfms=[*aug_transforms(size=size, min_scale=0.75), Normalize.from_stats(*imagenet_stats)])
    kw = {} if workers is None else dict(num_workers=workers)
    return dblock.dataloaders(folder, bs=bs, **kw)

def _load_square(fn, side):
    "Decode JPEG `fn`, resize its short side to `side` and centre-crop it square: an (side, side, 3) uint8 array"
    im = Image.open(fn)
    im.draft('RGB', (side, side))  # let the JPEG decoder skip detail we would throw away
    im = im.convert('RGB')
    s = side / min(im.size)
    im = im.resize((max(side, round(im.size[0] * s)), max(side, round(im.size[1] * s))), Image.BILINEAR)
    l, t = (im.size[0] - side) // 2, (im.size[1] - side) // 2
    return np.asarray(im.crop((l, t, l + side, t + side)))

def cache_images(files, side, device, workers):
    "Decode all `files` once into a uint8 tensor (N, 3, side, side) on `device`"
    import torch
    with ThreadPoolExecutor(max(1, workers or 1)) as ex: arrs = list(ex.map(lambda f: _load_square(f, side), files))
    x = torch.from_numpy(np.stack(arrs)).permute(0, 3, 1, 2)
    return x.contiguous().to(device)

class GPUBatches:
    "Batches from uint8 images `x` and labels `y` already on the GPU: shuffled (when training) and augmented by `tfms` there"
    def __init__(self, x, y, bs, tfms, shuffle):
        self.x, self.y, self.bs, self.tfms, self.shuffle = x, y, bs, tfms, shuffle
        self.device = x.device
    def __len__(self): return len(self.x) // self.bs if self.shuffle else math.ceil(len(self.x) / self.bs)  # drop_last when training
    def __iter__(self):
        import torch
        from fastai.vision.all import TensorImage
        n = len(self.x)
        idx = torch.randperm(n, device=self.device) if self.shuffle else torch.arange(n, device=self.device)
        for i in range(len(self)):
            j = idx[i*self.bs:(i+1)*self.bs]
            yield self.tfms(TensorImage(self.x[j].float().div_(255))), self.y[j]

def tuned_dls(folder, bs, size, workers, device, cache_scale=1.25):
    "DataLoaders over images decoded once, pre-sized to `cache_scale*size`, cached as uint8 on `device`, augmented there"
    import torch
    from fastai.vision.all import DataLoaders, Pipeline, aug_transforms, Normalize, imagenet_stats
    side = round(size * cache_scale)
    dls = []
    for split, train in (('train', True), ('val', False)):
        files, labels = list_images(folder, split)
        x, y = cache_images(files, side, device, workers), torch.tensor(labels, device=device)
        tfms = Pipeline([*aug_transforms(size=size, min_scale=0.75), Normalize.from_stats(*imagenet_stats)], split_idx=0 if train else 1)
        dls.append(GPUBatches(x, y, bs, tfms, shuffle=train))
    return DataLoaders(*dls)

# ---------------------------------------------------------------------------------------------------------------------
# Timing

def _sync():
    import torch
    if torch.cuda.is_available(): torch.cuda.synchronize()

def channels_last_cb():
    "A fastai callback that hands the model its input batches in channels-last memory format"
    import torch
    from fastai.callback.core import Callback
    class ChannelsLast(Callback):
        order = 5  # after the batch is on the device, before MixedPrecision (10) and the model
        def before_batch(self): self.learn.xb = tuple(o.contiguous(memory_format=torch.channels_last) for o in self.xb)
    return ChannelsLast()

def make_timer():
    "A fastai callback that times each epoch and its training phase and counts the training images"
    from fastai.callback.core import Callback
    from fastai.torch_core import find_bs
    class BenchTimer(Callback):
        order = 0
        def __init__(self): self.epochs = []
        def before_epoch(self): _sync(); self.t0, self.n = time.perf_counter(), 0
        def before_train(self): _sync(); self.t_train = time.perf_counter()
        def after_batch(self):
            if self.training: self.n += find_bs(self.yb)
        def after_train(self): _sync(); self.train_s = time.perf_counter() - self.t_train
        def after_epoch(self):
            _sync()
            self.epochs.append(dict(secs=time.perf_counter() - self.t0, train_secs=self.train_s, train_images=self.n))
    return BenchTimer()

def summarize(epochs):
    "Seconds per epoch and training images per second, from the epochs after the first when there are several"
    steady = epochs[1:] or epochs
    return dict(sec_per_epoch=statistics.median(e['secs'] for e in steady),
                img_per_s=sum(e['train_images'] for e in steady) / sum(e['train_secs'] for e in steady),
                first_epoch_s=epochs[0]['secs'], steady_epochs=len(steady))

# ---------------------------------------------------------------------------------------------------------------------
# One run

def run_one(setting, size, folder, a):
    "Train one setting at one image size; the run's record"
    import torch
    from fastai.vision.all import Learner, CrossEntropyLossFlat, accuracy, set_seed, xresnet18, xresnet50
    cfg = SETTINGS[setting]
    bs = a.bs.get(setting, cfg['bs']) if isinstance(a.bs, dict) else cfg['bs']
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.backends.cudnn.benchmark = cfg['cudnn_benchmark']
    set_seed(a.seed)
    if torch.cuda.is_available(): torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats()
    t = time.perf_counter()
    if cfg['pipeline'] == 'gpu-cache': dls = tuned_dls(folder, bs, size, a.workers_or_cpus, device, a.cache_scale)
    else: dls = book_dls(folder, bs, size, a.item_size, a.workers)
    prep_s = time.perf_counter() - t
    arch = {'xresnet18': xresnet18, 'xresnet50': xresnet50}[a.arch]
    learn = Learner(dls, arch(n_out=N_CLASSES), loss_func=CrossEntropyLossFlat(), metrics=accuracy, path=Path(tempfile.mkdtemp()))
    learn.model.to(device)
    if cfg['channels_last']: learn.model.to(memory_format=torch.channels_last); learn.add_cb(channels_last_cb())
    if cfg['precision'] == 'bf16': learn.to_bf16()
    timer = make_timer()
    with learn.no_bar(): learn.fit_one_cycle(a.epochs, cfg['lr'], cbs=timer)
    rec = dict(setting=setting, size=size, arch=a.arch, bs=bs, lr=cfg['lr'], precision=cfg['precision'],
               bf16_active=cfg['precision'] == 'bf16' and device.type == 'cuda', channels_last=cfg['channels_last'],
               pipeline=cfg['pipeline'], cudnn_benchmark=cfg['cudnn_benchmark'], epochs=a.epochs,
               n_train=len(list_images(folder, 'train')[0]), prep_s=prep_s, **summarize(timer.epochs),
               valid_accuracy=float(learn.recorder.values[-1][-1]), epoch_log=timer.epochs,
               peak_gpu_mem_gb=torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else None)
    del learn, dls
    gc.collect()
    if torch.cuda.is_available(): torch.cuda.empty_cache()
    return rec

# ---------------------------------------------------------------------------------------------------------------------
# Command line

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--epochs', type=int, default=3, help='epochs of fit_one_cycle per run; timings use the epochs after the first (default 3)')
    p.add_argument('--n-images', type=int, default=N_TRAIN, help=f'synthetic training images (default {N_TRAIN}, as Imagenette)')
    p.add_argument('--n-valid', type=int, default=N_VALID, help=f'synthetic validation images (default {N_VALID}, as Imagenette)')
    p.add_argument('--sizes', default='128,224', help='comma-separated image sizes (default 128,224)')
    p.add_argument('--settings', default='book,tuned', help=f'comma-separated settings among {",".join(SETTINGS)} (default book,tuned)')
    p.add_argument('--out', default='bench_results.json', help='JSON file to write (default bench_results.json)')
    p.add_argument('--smoke', action='store_true', help='tiny CPU-friendly run: 64 images, 32 px, 1 epoch, xresnet18')
    p.add_argument('--arch', default='xresnet50', choices=['xresnet18', 'xresnet50'], help='model (default xresnet50; xresnet18 with --smoke)')
    p.add_argument('--item-size', type=int, default=460, help="the book pipeline's Resize on the CPU (default 460)")
    p.add_argument('--cache-scale', type=float, default=1.25, help='the tuned cache holds images of cache_scale*size pixels (default 1.25)')
    p.add_argument('--workers', type=int, default=None, help="DataLoader workers for the book setting (default: fastai's, one per CPU up to 16)")
    p.add_argument('--data', default=None, help='folder for the synthetic JPEGs, kept and reused if it holds the right number (default: a temporary folder)')
    p.add_argument('--seed', type=int, default=42)
    a = p.parse_args(argv)
    a.bs = None
    if a.smoke:
        a.n_images, a.n_valid, a.sizes, a.epochs = SMOKE['n_images'], SMOKE['n_valid'], ','.join(map(str, SMOKE['sizes'])), SMOKE['epochs']
        a.arch, a.item_size, a.bs = SMOKE['arch'], SMOKE['item_size'], SMOKE['bs']
        a.workers = 0 if a.workers is None else a.workers
    try: a.sizes = [int(o) for o in str(a.sizes).split(',') if o.strip()]
    except ValueError: p.error(f"--sizes must be comma-separated integers, got {a.sizes!r}")
    a.settings = [o.strip() for o in a.settings.split(',') if o.strip()]
    bad = [o for o in a.settings if o not in SETTINGS]
    if bad: p.error(f"unknown setting(s) {bad}; choose among {list(SETTINGS)}")
    if not a.settings or not a.sizes: p.error("give at least one setting and one size")
    for k in ('epochs', 'n_images', 'n_valid'):
        if getattr(a, k) < 1: p.error(f"--{k.replace('_', '-')} must be at least 1")
    if any(s < 8 for s in a.sizes): p.error(f"image sizes must be at least 8 pixels, got {a.sizes}")
    if a.n_images < N_CLASSES or a.n_valid < N_CLASSES: p.error(f"need at least {N_CLASSES} training and validation images (one per class)")
    a.workers_or_cpus = a.workers if a.workers is not None else min(16, os.cpu_count() or 1)
    return a

MARKER = 'SYNTHETIC_IMAGENETTE.json'  # written into every folder this script fills, with the options that made it

def get_data(a):
    "The synthetic dataset's folder: `a.data` if this script made it with the same options, else made anew; (folder, seconds, temporary)"
    folder, tmp = (Path(a.data), False) if a.data else (Path(tempfile.mkdtemp(prefix='imagenette_synth_')), True)
    sides = (SMOKE['min_side'], SMOKE['max_side']) if a.smoke else (300, 800)
    spec = dict(n_train=a.n_images, n_valid=a.n_valid, seed=a.seed, min_side=sides[0], max_side=sides[1])
    marker, t = folder/MARKER, time.perf_counter()
    if marker.exists() and json.loads(marker.read_text()) == spec: return folder, 0., tmp  # made before with these options
    if folder.exists() and any(folder.iterdir()):
        if not marker.exists():
            raise SystemExit(f"--data {folder} is not empty and was not made by this script: give a new or empty folder")
        shutil.rmtree(folder)  # ours, made with other options
    make_images(folder, a.n_images, a.n_valid, seed=a.seed, min_side=sides[0], max_side=sides[1],
                workers=a.workers_or_cpus if not a.smoke else 1)
    marker.write_text(json.dumps(spec))
    return folder, time.perf_counter() - t, tmp

def table(runs):
    "The runs as a text table, with the tuned setting's speed-up over the book's at each size"
    cols = [('setting', '{}'), ('size', '{}'), ('bs', '{}'), ('precision', '{}'), ('channels_last', '{}'), ('pipeline', '{}'),
            ('sec_per_epoch', '{:.2f}'), ('img_per_s', '{:.0f}'), ('vs_book', '{:.2f}x'), ('first_epoch_s', '{:.2f}'),
            ('prep_s', '{:.1f}'), ('valid_accuracy', '{:.3f}')]
    rows = [[c for c, _ in cols]] + [['-' if r[c] is None else f.format(r[c]) for c, f in cols] for r in runs]
    w = [max(len(r[i]) for r in rows) for i in range(len(cols))]
    lines = ['  '.join(v.rjust(w[i]) for i, v in enumerate(r)) for r in rows]
    return '\n'.join([lines[0], '-' * len(lines[0])] + lines[1:])

def add_vs_book(runs):
    "Set each run's `vs_book`: its training images per second over the 'book' run's at the same size (None without one)"
    book = {r['size']: r['img_per_s'] for r in runs if r['setting'] == 'book'}
    for r in runs: r['vs_book'] = r['img_per_s'] / book[r['size']] if r['size'] in book else None
    return runs

def speedups(runs):
    "Training images per second of 'tuned' over 'book', by size, where both ran"
    by = {(r['setting'], r['size']): r for r in runs}
    return {str(s): by['tuned', s]['img_per_s'] / by['book', s]['img_per_s'] for (k, s) in by if k == 'book' and ('tuned', s) in by}

def meta(a, data_s):
    import torch, fastai
    cuda = torch.cuda.is_available()
    return dict(smoke=a.smoke, device=torch.cuda.get_device_name(0) if cuda else platform.processor() or 'cpu', cuda=cuda,
                torch=torch.__version__, fastai=fastai.__version__, python=platform.python_version(), cpus=os.cpu_count(),
                n_images=a.n_images, n_valid=a.n_valid, sizes=a.sizes, settings=a.settings, epochs=a.epochs, arch=a.arch,
                item_size=a.item_size, cache_scale=a.cache_scale, seed=a.seed, data_gen_s=data_s,
                cudnn_allow_tf32=torch.backends.cudnn.allow_tf32, date=time.strftime('%Y-%m-%d %H:%M:%S'))

def main(argv=None):
    a = parse_args(argv)
    t0 = time.perf_counter()
    folder, data_s, tmp = get_data(a)
    print(f"synthetic data: {a.n_images} train + {a.n_valid} valid JPEGs in {folder} ({data_s:.1f} s)", flush=True)
    import torch, warnings
    if a.smoke: torch.set_num_threads(1)
    runs = []
    try:
        with warnings.catch_warnings():
            if not torch.cuda.is_available(): warnings.filterwarnings('ignore', message='.*CUDA is not available.*')
            for size in a.sizes:
                for setting in a.settings:
                    print(f"\n== {setting} at {size} px ==", flush=True)
                    runs.append(run_one(setting, size, folder, a))
                    r = runs[-1]
                    print(f"{setting} {size}px: {r['sec_per_epoch']:.2f} s/epoch, {r['img_per_s']:.0f} train img/s", flush=True)
    finally:
        if tmp: shutil.rmtree(folder, ignore_errors=True)
    res = dict(meta=meta(a, data_s), runs=add_vs_book(runs), speedup=speedups(runs), total_s=time.perf_counter() - t0)
    print('\n' + table(runs))
    for s, v in res['speedup'].items(): print(f"tuned / book at {s} px: {v:.2f}x the training images per second")
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=1))
    print(f"\nwrote {a.out}")
    return res

if __name__ == '__main__': main()
