#!/usr/bin/env python
"""Make the course's two tiny synthetic datasets: `pets_tiny/` and `imagenette_tiny/`.

Every picture is drawn here with PIL and numpy; nothing is downloaded. The folders copy the layouts
of the real Oxford-IIIT Pet `images/` folder and of `imagenette2`, so that the course code runs
unchanged on the real data (`SOTAVISION_SCALE=full`).

    python data/make_tiny_data.py              # rewrite data/pets_tiny and data/imagenette_tiny
    python data/make_tiny_data.py --out /tmp/x # write the two folders under /tmp/x instead

The output is deterministic: each image has its own random generator, seeded from the dataset,
the class and the image number, so two runs give byte-identical files (with the same Pillow).
Only the two dataset folders are deleted and rewritten; nothing else under `--out` is touched.
"""
import argparse, math, shutil, sys, time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SEED = 52024  # change it and every image changes
JPEG_QUALITY = 80
PETS, NETTE = 'pets_tiny', 'imagenette_tiny'
S = 256  # side of the square canvas each object ("sprite") is drawn on before it is placed

# ---------------------------------------------------------------------------------------------
# The classes
# ---------------------------------------------------------------------------------------------
# One line per breed: fur colour, accent colour, coat pattern, fluffy?, ear size, head size,
# eye colour. Cats get pointed ears and whiskers; dogs get floppy ears and a muzzle. Similar breeds
# differ in at least one of colour, pattern or shape, some only subtly (as in the real photos).
BREEDS = {
    # cats (capitalised, as in the real file names)
    'Abyssinian':                 ('cat', (182, 104, 52),  (96, 52, 24),    'ticked',  0, 1.25, 1.00, (150, 170, 60)),
    'Bengal':                     ('cat', (214, 156, 70),  (40, 28, 20),    'spots',   0, 1.00, 1.00, (120, 160, 60)),
    'Birman':                     ('cat', (236, 222, 192), (92, 62, 40),    'points',  1, 0.90, 1.05, (70, 120, 220)),
    'Bombay':                     ('cat', (28, 28, 30),    (28, 28, 30),    'solid',   0, 1.00, 1.00, (205, 130, 30)),
    'British_Shorthair':          ('cat', (150, 156, 168), (150, 156, 168), 'solid',   0, 0.75, 1.25, (210, 140, 40)),
    'Egyptian_Mau':               ('cat', (196, 196, 200), (52, 52, 56),    'spots',   0, 1.10, 0.95, (110, 180, 70)),
    'Maine_Coon':                 ('cat', (140, 100, 62),  (50, 34, 22),    'stripes', 1, 1.15, 1.10, (170, 150, 50)),
    'Persian':                    ('cat', (242, 240, 236), (242, 240, 236), 'solid',   1, 0.65, 1.25, (200, 120, 40)),
    'Ragdoll':                    ('cat', (238, 236, 230), (96, 106, 126),  'points',  1, 0.90, 1.05, (60, 110, 230)),
    'Russian_Blue':               ('cat', (108, 118, 138), (108, 118, 138), 'solid',   0, 1.30, 0.90, (60, 190, 80)),
    'Siamese':                    ('cat', (226, 212, 180), (56, 38, 28),    'points',  0, 1.35, 0.90, (50, 110, 230)),
    'Sphynx':                     ('cat', (226, 178, 164), (190, 130, 120), 'wrinkles', 0, 1.45, 0.95, (120, 170, 80)),
    # dogs (lower case)
    'american_bulldog':           ('dog', (240, 236, 228), (150, 96, 58),   'patches', 0, 0.80, 1.20, (70, 45, 30)),
    'american_pit_bull_terrier':  ('dog', (120, 110, 108), (232, 228, 222), 'blaze',   0, 0.85, 1.15, (120, 80, 40)),
    'basset_hound':               ('dog', (196, 132, 70),  (32, 28, 26),    'saddle',  0, 1.60, 1.00, (70, 40, 25)),
    'beagle':                     ('dog', (200, 146, 84),  (36, 32, 30),    'saddle',  0, 1.10, 0.95, (80, 50, 30)),
    'boxer':                      ('dog', (198, 136, 74),  (34, 28, 24),    'mask',    0, 0.85, 1.05, (70, 45, 30)),
    'chihuahua':                  ('dog', (226, 190, 134), (226, 190, 134), 'solid',   0, 1.30, 1.30, (40, 30, 25)),
    'english_cocker_spaniel':     ('dog', (196, 134, 56),  (196, 134, 56),  'solid',   1, 1.55, 1.00, (60, 40, 25)),
    'english_setter':             ('dog', (240, 238, 232), (40, 40, 44),    'ticked',  1, 1.30, 0.95, (70, 45, 30)),
    'german_shorthaired':         ('dog', (112, 62, 42),   (236, 230, 222), 'ticked',  0, 1.25, 0.95, (110, 70, 40)),
    'great_pyrenees':             ('dog', (236, 230, 212), (206, 186, 150), 'patches', 1, 0.90, 1.10, (50, 35, 25)),
    'havanese':                   ('dog', (222, 204, 172), (150, 112, 80),  'patches', 1, 1.10, 1.20, (50, 35, 25)),
    'japanese_chin':              ('dog', (244, 242, 238), (30, 30, 32),    'patches', 1, 1.00, 1.30, (30, 25, 25)),
    'keeshond':                   ('dog', (150, 148, 140), (40, 40, 42),    'mask',    1, 0.70, 1.10, (60, 40, 30)),
    'leonberger':                 ('dog', (196, 134, 62),  (40, 32, 26),    'mask',    1, 0.90, 1.10, (80, 50, 30)),
    'miniature_pinscher':         ('dog', (30, 28, 28),    (196, 112, 50),  'tan',     0, 0.90, 1.10, (60, 35, 25)),
    'newfoundland':               ('dog', (30, 30, 32),    (30, 30, 32),    'solid',   1, 0.90, 1.10, (70, 45, 30)),
    'pomeranian':                 ('dog', (232, 148, 60),  (232, 148, 60),  'solid',   1, 0.60, 1.25, (40, 30, 25)),
    'pug':                        ('dog', (214, 184, 136), (30, 28, 28),    'mask',    0, 0.70, 1.30, (40, 30, 25)),
    'saint_bernard':              ('dog', (244, 240, 232), (170, 84, 40),   'patches', 0, 1.10, 1.15, (80, 50, 30)),
    'samoyed':                    ('dog', (250, 250, 248), (250, 250, 248), 'solid',   1, 0.75, 1.00, (40, 30, 25)),
    'scottish_terrier':           ('dog', (36, 34, 34),    (70, 68, 66),    'stripes', 0, 0.80, 1.00, (40, 30, 25)),
    'shiba_inu':                  ('dog', (206, 116, 52),  (246, 234, 214), 'blaze',   0, 0.65, 1.00, (60, 35, 25)),
    'staffordshire_bull_terrier': ('dog', (124, 82, 52),   (50, 34, 26),    'stripes', 0, 0.80, 1.20, (70, 45, 30)),
    'wheaten_terrier':            ('dog', (230, 206, 156), (230, 206, 156), 'solid',   1, 1.05, 1.05, (50, 35, 25)),
    'yorkshire_terrier':          ('dog', (88, 98, 116),   (198, 150, 86),  'tan',     1, 0.95, 1.15, (40, 30, 25)),
}
CAT_BREEDS = [b for b, v in BREEDS.items() if v[0] == 'cat']
DOG_BREEDS = [b for b, v in BREEDS.items() if v[0] == 'dog']

NETTE_CLASSES = {
    'n01440764': 'tench',
    'n02102040': 'English springer',
    'n02979186': 'cassette player',
    'n03000684': 'chain saw',
    'n03028079': 'church',
    'n03394916': 'French horn',
    'n03417042': 'garbage truck',
    'n03425413': 'gas pump',
    'n03445777': 'golf ball',
    'n03888605': 'parachute',
}
NETTE_TRAIN, NETTE_VAL = 30, 10
MAT_FILES = ['Abyssinian_100.mat', 'Abyssinian_101.mat', 'Abyssinian_102.mat']


def pets_per_breed(i: int) -> int:
    "Images of the i-th breed: 10, 11 or 12, so classes are slightly unbalanced like the real ones"
    return 10 + (i * 7) % 3


# ---------------------------------------------------------------------------------------------
# Small drawing helpers
# ---------------------------------------------------------------------------------------------
def rgb(c, rng=None, jitter=0):
    "Colour tuple `c`, each channel moved by up to `jitter`, clipped to 0..255"
    c = np.asarray(c, dtype=float)
    if rng is not None and jitter: c = c + rng.uniform(-jitter, jitter, 3)
    return tuple(int(v) for v in np.clip(c, 0, 255))


def shade(c, f):
    "Colour `c` darkened (f<1) or lightened (f>1)"
    return tuple(int(v) for v in np.clip(np.asarray(c, dtype=float) * f, 0, 255))


def ellipse(d, cx, cy, rx, ry, **kw):
    d.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], **kw)


def rot_ellipse(d, cx, cy, rx, ry, angle_deg, n=28, **kw):
    "A filled ellipse rotated by `angle_deg`, drawn as a polygon"
    a = math.radians(angle_deg)
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    x, y = rx * np.cos(t), ry * np.sin(t)
    pts = list(zip(cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)))
    d.polygon(pts, **kw)


def random_colour(rng, sat=(0.1, 0.7), val=(0.25, 0.95)):
    "A random colour from HSV ranges"
    h, s, v = rng.uniform(0, 1), rng.uniform(*sat), rng.uniform(*val)
    i, f = int(h * 6) % 6, h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return (int(r * 255), int(g * 255), int(b * 255))


def photo_size(rng):
    "(width, height) like a photo: long side mostly 200-340 px, a few tiny (<=170) or large (>=400); ~1 in 5 portrait"
    u = rng.uniform()
    if u < 0.07: long = int(rng.integers(120, 171))
    elif u > 0.93: long = int(rng.integers(400, 501))
    else: long = int(rng.integers(200, 341))
    if rng.uniform() < 0.2:  # portrait: width/height in 0.6..0.9
        ar = rng.uniform(0.6, 0.9)
        return max(64, int(round(long * ar))), long
    ar = rng.uniform(1.0, 1.8)  # landscape or square: width/height in 1.0..1.8
    return long, max(64, int(round(long / ar)))


# ---------------------------------------------------------------------------------------------
# Backgrounds: smooth colour fields plus clutter, never plain
# ---------------------------------------------------------------------------------------------
def smooth_field(rng, w, h, colours, cells=4):
    "A smooth random blend of `colours`: low-resolution noise upsampled with bicubic interpolation"
    k = len(colours)
    gw, gh = max(2, int(cells * w / max(w, h)) + 1), max(2, int(cells * h / max(w, h)) + 1)
    weights = rng.uniform(0, 1, (gh, gw, k)) ** 2
    weights /= weights.sum(-1, keepdims=True)
    small = (weights @ np.asarray(colours, dtype=float)).clip(0, 255).astype(np.uint8)
    return Image.fromarray(small).resize((w, h), Image.BICUBIC)


def clutter(rng, img, n, colours=None, big=False):
    "Draw `n` random rectangles, ellipses, lines and polygons: furniture, toys, leaves, ..."
    w, h = img.size
    d = ImageDraw.Draw(img)
    for _ in range(n):
        c = rng.choice(colours) if colours is not None else random_colour(rng)
        c = rgb(c, rng, 20)
        kind = rng.integers(0, 4)
        sz = rng.uniform(0.08, 0.45 if big else 0.25) * max(w, h)
        x, y = rng.uniform(-0.1 * w, 1.1 * w), rng.uniform(-0.1 * h, 1.1 * h)
        if kind == 0:
            d.rectangle([x, y, x + sz * rng.uniform(0.3, 1.5), y + sz * rng.uniform(0.3, 1.5)], fill=c)
        elif kind == 1:
            ellipse(d, x, y, sz / 2, sz * rng.uniform(0.2, 0.6), fill=c)
        elif kind == 2:
            a = rng.uniform(0, math.pi)
            d.line([x, y, x + sz * 2 * math.cos(a), y + sz * 2 * math.sin(a)], fill=c,
                   width=int(rng.integers(2, 9)))
        else:
            pts = [(x + sz * rng.uniform(-0.6, 0.6), y + sz * rng.uniform(-0.6, 0.6)) for _ in range(3)]
            d.polygon(pts, fill=c)


def generic_background(rng, w, h):
    "A cluttered scene of random colours: some rooms, some gardens, some streets"
    palette = [random_colour(rng) for _ in range(4)]
    img = smooth_field(rng, w, h, palette, cells=int(rng.integers(2, 6)))
    clutter(rng, img, int(rng.integers(4, 12)), big=True)
    if rng.uniform() < 0.5: img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 2.5)))
    return img


def indoor_background(rng, w, h):
    "A room: wall and floor in muted colours, a sofa or a rug, toys"
    wall, floor = random_colour(rng, (0.05, 0.4), (0.5, 0.95)), random_colour(rng, (0.1, 0.5), (0.2, 0.7))
    img = smooth_field(rng, w, h, [wall, shade(wall, 0.8), shade(wall, 1.1)], cells=3)
    d = ImageDraw.Draw(img)
    y0 = int(h * rng.uniform(0.45, 0.8))
    d.rectangle([0, y0, w, h], fill=floor)
    for y in range(y0, h, int(rng.integers(8, 20))):  # floorboards or carpet stripes
        d.line([0, y, w, y], fill=shade(floor, rng.uniform(0.75, 0.95)), width=2)
    clutter(rng, img, int(rng.integers(3, 8)))
    return img


def garden_background(rng, w, h):
    "Outdoors: sky or hedge above, grass below, leaves"
    top = (int(rng.integers(110, 190)), int(rng.integers(160, 215)), int(rng.integers(200, 250))) \
        if rng.uniform() < 0.5 else (int(rng.integers(40, 90)), int(rng.integers(90, 140)), int(rng.integers(30, 70)))
    grass = (int(rng.integers(50, 110)), int(rng.integers(110, 170)), int(rng.integers(30, 80)))
    img = smooth_field(rng, w, h, [top, shade(top, 0.85), grass], cells=3)
    d = ImageDraw.Draw(img)
    d.rectangle([0, int(h * rng.uniform(0.4, 0.75)), w, h], fill=grass)
    clutter(rng, img, int(rng.integers(6, 14)), colours=[shade(grass, 0.7), shade(grass, 1.3), (120, 90, 60)])
    return img


def add_noise(rng, img, sigma):
    "Add Gaussian sensor noise"
    a = np.asarray(img, dtype=np.float32)
    a = a + rng.normal(0, sigma, a.shape).astype(np.float32)
    return Image.fromarray(a.clip(0, 255).astype(np.uint8))


# ---------------------------------------------------------------------------------------------
# Placing an object on a background: random scale, rotation, flip and position (sometimes at an edge)
# ---------------------------------------------------------------------------------------------
def place(rng, bg, sprite, scale=(0.45, 0.95), max_rot=30, edge_p=0.2):
    "Paste RGBA `sprite` onto `bg`: random size (fraction of the short side), rotation and position"
    w, h = bg.size
    if rng.uniform() < 0.5: sprite = sprite.transpose(Image.FLIP_LEFT_RIGHT)
    side = max(12, int(min(w, h) * rng.uniform(*scale)))
    sprite = sprite.resize((side, side), Image.BILINEAR)
    angle = rng.normal(0, max_rot / 2)
    if rng.uniform() < 0.05: angle = rng.uniform(-180, 180)  # a few upside-down or lying pictures
    sprite = sprite.rotate(float(np.clip(angle, -180, 180)), resample=Image.BICUBIC, expand=True)
    box = sprite.getchannel('A').getbbox() or (0, 0, *sprite.size)
    sprite = sprite.crop(box)
    sw, sh = sprite.size
    if rng.uniform() < edge_p:  # near an edge: a quarter to a half of the object outside the frame
        cut = rng.uniform(0.25, 0.5)
        side_i = rng.integers(0, 4)
        x = rng.uniform(0, max(1, w - sw)); y = rng.uniform(0, max(1, h - sh))
        if side_i == 0: x = -cut * sw
        elif side_i == 1: x = w - (1 - cut) * sw
        elif side_i == 2: y = -cut * sh
        else: y = h - (1 - cut) * sh
    else:  # anywhere, at most a little outside
        x = rng.uniform(min(0, w - sw), max(0, w - sw) + 1) if sw < w else rng.uniform(w - sw, 0)
        y = rng.uniform(min(0, h - sh), max(0, h - sh) + 1) if sh < h else rng.uniform(h - sh, 0)
    bg.paste(sprite, (int(x), int(y)), sprite)
    return bg


def finish(rng, img, noise=(2, 6)):
    "Photo-like finish: brightness and contrast jitter, occasional blur, sensor noise"
    a = np.asarray(img, dtype=np.float32)
    a = (a - 128) * rng.uniform(0.8, 1.15) + 128 + rng.uniform(-20, 20)
    img = Image.fromarray(a.clip(0, 255).astype(np.uint8))
    if rng.uniform() < 0.1: img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 1.6)))
    return add_noise(rng, img, rng.uniform(*noise))


# ---------------------------------------------------------------------------------------------
# Pets: a cat or a dog, whole body or head only
# ---------------------------------------------------------------------------------------------
def draw_pet(rng, spec, head_only=None):
    "RGBA sprite of a pet with breed parameters `spec`"
    species, fur, accent, pattern, fluffy, ear, head, eye = spec
    fur, accent = rgb(fur, rng, 14), rgb(accent, rng, 14)
    if head_only is None: head_only = rng.uniform() < 0.35
    # Whole-body pose: cats sit upright (tall body, long tail curled round), dogs stand (long body, four legs,
    # head to one side, short tail up). Head-only pose: a close-up portrait.
    if head_only: cx, cy, r = S / 2, S * 0.55, S * 0.28 * head
    elif species == 'cat': cx, cy, r = S / 2, S * 0.3, S * 0.16 * head
    else: cx, cy, r = S * 0.3, S * 0.34, S * 0.16 * head
    r = min(r, S * 0.36)
    if species == 'cat': bx, by, brx, bry = S / 2, S * 0.67, S * 0.19, S * 0.27
    else: bx, by, brx, bry = S * 0.56, S * 0.62, S * 0.3, S * 0.15

    mask = Image.new('L', (S, S), 0)  # where the fur is
    md = ImageDraw.Draw(mask)
    geo = {'ears': [], 'feet': [], 'tail': None}
    if not head_only:
        if species == 'cat':
            tail = [(bx + brx * 0.6, by + bry * 0.85), (bx + brx * 1.5, by + bry * 0.6), (bx + brx * 1.7, by - bry * 0.2),
                    (bx + brx * 1.5, by - bry * 0.7)]
            md.line(tail, fill=255, width=int(S * 0.05 * (1.6 if fluffy else 1)), joint='curve')
            for fx in (-0.45, 0.45):  # front paws
                ellipse(md, bx + fx * brx, by + bry * 0.95, S * 0.05, S * 0.035, fill=255)
                geo['feet'].append((bx + fx * brx, by + bry * 0.9))
        else:
            tail = [(bx + brx * 0.9, by - bry * 0.3), (bx + brx * 1.2, by - bry * 1.0), (bx + brx * 1.35, by - bry * 1.5)]
            md.line(tail, fill=255, width=int(S * 0.045 * (1.6 if fluffy else 1)), joint='curve')
            for fx in (-0.75, -0.4, 0.45, 0.8):  # legs
                x0 = bx + fx * brx
                md.rectangle([x0 - S * 0.035, by, x0 + S * 0.035, by + bry * 2.0], fill=255)
                geo['feet'].append((x0, by + bry * 1.85))
            md.line([(cx, cy), (bx - brx * 0.6, by)], fill=255, width=int(r * 1.1))  # neck
        geo['tail'] = tail
        ellipse(md, bx, by, brx, bry, fill=255)
    ellipse(md, cx, cy, r, r * (0.92 if species == 'cat' else 1.0), fill=255)
    for s in (-1, 1):
        if species == 'cat':  # pointed upright ears
            a0, a1, at = math.radians(-90 + s * 12), math.radians(-90 + s * 72), math.radians(-90 + s * 40)
            tip = (cx + r * (1.25 + 0.45 * ear) * math.cos(at), cy + r * (1.25 + 0.45 * ear) * math.sin(at))
            tri = [(cx + r * math.cos(a0), cy + r * math.sin(a0)), tip, (cx + r * math.cos(a1), cy + r * math.sin(a1))]
            md.polygon(tri, fill=255)
            geo['ears'].append(('cat', tri))
        else:  # floppy ears hanging at the sides of the head
            ex, ey = cx + s * r * 0.88, cy + r * (0.05 + 0.25 * ear)
            erx, ery = r * 0.3 * (0.8 + 0.3 * ear), r * (0.3 + 0.4 * ear)
            geo['ears'].append(('dog', (ex, ey, erx, ery, s * 15)))
    if fluffy:  # a ragged outline of tufts
        parts = [(cx, cy, r, r)] + ([] if head_only else [(bx, by, brx, bry)])
        for (px, py, prx, pry) in parts:
            for t in rng.uniform(0, 2 * math.pi, 34):
                tr = r * rng.uniform(0.1, 0.2)
                ellipse(md, px + prx * math.cos(t), py + pry * math.sin(t), tr, tr, fill=255)

    # colour: fur, then the breed's pattern in the accent colour
    col = Image.new('RGB', (S, S), fur)
    shade_a = np.linspace(1.08, 0.88, S, dtype=np.float32)[:, None, None]  # light from above
    col = Image.fromarray((np.asarray(col, dtype=np.float32) * shade_a).clip(0, 255).astype(np.uint8))
    pat = Image.new('L', (S, S), 0)
    pd = ImageDraw.Draw(pat)
    if pattern == 'stripes':
        step, a = r * rng.uniform(0.28, 0.36), math.radians(rng.uniform(-20, 20))
        for k in range(-12, 13):
            ox, oy = cx + k * step * math.cos(a), cy + k * step * math.sin(a)
            dx, dy = -math.sin(a) * S, math.cos(a) * S
            pd.line([ox - dx, oy - dy, ox + dx, oy + dy], fill=255, width=max(2, int(r * 0.11)))
    elif pattern == 'spots':
        for _ in range(70):
            x, y, sr = rng.uniform(0, S), rng.uniform(0, S), r * rng.uniform(0.07, 0.13)
            ellipse(pd, x, y, sr, sr * rng.uniform(0.7, 1.0), fill=255)
    elif pattern == 'ticked':  # fine speckles
        for _ in range(420):
            x, y, sr = rng.uniform(0, S), rng.uniform(0, S), rng.uniform(1.0, 2.2)
            ellipse(pd, x, y, sr, sr, fill=255)
    elif pattern == 'patches':
        for _ in range(int(rng.integers(2, 5))):
            x, y = (rng.uniform(S * 0.15, S * 0.85), rng.uniform(S * 0.2, S * 0.9))
            rot_ellipse(pd, x, y, r * rng.uniform(0.3, 0.6), r * rng.uniform(0.25, 0.45), rng.uniform(0, 180), fill=255)
        rot_ellipse(pd, cx + r * rng.choice([-0.45, 0.45]), cy - r * 0.1, r * 0.35, r * 0.42, 0, fill=255)
    elif pattern == 'saddle':  # dark back, tan head, white chest and muzzle
        if head_only: ellipse(pd, cx, cy - r * 0.9, r * 0.9, r * 0.45, fill=255)
        else: ellipse(pd, bx + brx * 0.1, by - bry * 0.55, brx * 0.8, bry * 0.6, fill=255)
    elif pattern == 'points':  # dark ears, face, legs and tail on a pale coat
        ellipse(pd, cx, cy + r * 0.2, r * 0.55, r * 0.6, fill=255)
        for kind, tri in geo['ears']: pd.polygon(tri, fill=255)
        if geo['tail']: pd.line(geo['tail'][1:], fill=255, width=int(S * 0.06))
        for fx, fy in geo['feet']: pd.rectangle([fx - S * 0.04, fy - S * 0.06, fx + S * 0.04, fy + S * 0.05], fill=255)
    elif pattern == 'mask':  # dark muzzle and eye mask
        ellipse(pd, cx, cy + r * 0.25, r * 0.62, r * 0.55, fill=255)
    elif pattern == 'blaze':  # pale muzzle, chest and a stripe up the forehead
        ellipse(pd, cx, cy + r * 0.4, r * 0.55, r * 0.45, fill=255)
        pd.rectangle([cx - r * 0.1, cy - r * 0.9, cx + r * 0.1, cy + r * 0.2], fill=255)
        if not head_only: ellipse(pd, bx - brx * 0.5, by, brx * 0.35, bry * 0.8, fill=255)
    elif pattern == 'tan':  # tan eyebrows, muzzle and legs on a dark coat
        ellipse(pd, cx, cy + r * 0.42, r * 0.42, r * 0.32, fill=255)
        for s in (-1, 1): ellipse(pd, cx + s * r * 0.38, cy - r * 0.32, r * 0.13, r * 0.09, fill=255)
        for fx, fy in geo['feet']: pd.rectangle([fx - S * 0.04, fy - S * 0.08, fx + S * 0.04, fy + S * 0.05], fill=255)
    elif pattern == 'wrinkles':  # hairless skin with folds
        for k in range(5):
            y = cy - r * 0.7 + k * r * 0.14
            pd.arc([cx - r * 0.5, y, cx + r * 0.5, y + r * 0.3], 200, 340, fill=255, width=2)
    if pattern in ('points', 'mask'): pat = pat.filter(ImageFilter.GaussianBlur(r * 0.08))
    col.paste(Image.new('RGB', (S, S), accent), (0, 0), pat)
    sprite = col.convert('RGBA')
    sprite.putalpha(mask)

    d = ImageDraw.Draw(sprite)
    # dog ears are always darker than the face (or in the accent colour): a dark shape at each side of the head
    ear_col = accent if pattern in ('patches', 'saddle', 'mask') and sum(accent) < sum(fur) else shade(fur, 0.62)
    for kind, g in geo['ears']:
        if kind == 'cat':  # pink inner ear
            (x0, y0), (tx, ty), (x1, y1) = g
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            inner = [(mx + (x0 - mx) * 0.55, my + (y0 - my) * 0.55), (mx + (tx - mx) * 0.75, my + (ty - my) * 0.75),
                     (mx + (x1 - mx) * 0.55, my + (y1 - my) * 0.55)]
            d.polygon(inner, fill=(226, 150, 150))
        else:
            ex, ey, erx, ery, a = g
            rot_ellipse(d, ex, ey, erx, ery, a, fill=ear_col)
    er = r * 0.13
    for s in (-1, 1):  # eyes
        ex, ey = cx + s * r * 0.38, cy - r * 0.08
        ellipse(d, ex, ey, er, er, fill=eye)
        if species == 'cat': ellipse(d, ex, ey, er * 0.28, er * 0.9, fill=(10, 10, 10))
        else: ellipse(d, ex, ey, er * 0.6, er * 0.6, fill=(15, 12, 10))
        ellipse(d, ex - er * 0.3, ey - er * 0.35, er * 0.18, er * 0.18, fill=(250, 250, 250))
    if species == 'cat':
        d.polygon([(cx - r * 0.1, cy + r * 0.22), (cx + r * 0.1, cy + r * 0.22), (cx, cy + r * 0.34)], fill=(220, 130, 140))
        wc = (235, 235, 235) if sum(fur) < 300 else (40, 40, 40)
        for s in (-1, 1):  # whiskers
            for k in (-1, 0, 1):
                d.line([cx + s * r * 0.2, cy + r * 0.38, cx + s * r * 1.15, cy + r * (0.32 + 0.12 * k)], fill=wc, width=1)
    else:
        muzzle = shade(fur, 1.12) if pattern not in ('mask', 'tan', 'blaze') else None
        if muzzle: ellipse(d, cx, cy + r * 0.42, r * 0.4, r * 0.3, fill=muzzle)
        ellipse(d, cx, cy + r * 0.3, r * 0.17, r * 0.12, fill=(20, 18, 18))  # big dark nose
        d.line([cx, cy + r * 0.42, cx, cy + r * 0.55], fill=(20, 18, 18), width=2)
        if rng.uniform() < 0.75:  # a panting dog shows its tongue
            ellipse(d, cx, cy + r * 0.72, r * 0.14, r * 0.2, fill=rgb((226, 92, 110), rng, 15))
        d.arc([cx - r * 0.22, cy + r * 0.42, cx + r * 0.22, cy + r * 0.68], 20, 160, fill=(20, 18, 18), width=2)
    return sprite


def make_pet(rng, breed):
    w, h = photo_size(rng)
    bg = indoor_background(rng, w, h) if rng.uniform() < 0.4 else \
        garden_background(rng, w, h) if rng.uniform() < 0.5 else generic_background(rng, w, h)
    img = place(rng, bg, draw_pet(rng, BREEDS[breed]), scale=(0.6, 1.0))
    return finish(rng, img)


# ---------------------------------------------------------------------------------------------
# Imagenette: ten objects, each usually (not always) in a typical setting
# ---------------------------------------------------------------------------------------------
def sky_background(rng, w, h, ground=None):
    top = (int(rng.integers(60, 130)), int(rng.integers(120, 180)), int(rng.integers(200, 250)))
    img = smooth_field(rng, w, h, [top, shade(top, 1.2), (230, 236, 244)], cells=3)
    d = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(1, 6))):  # clouds
        x, y, cr = rng.uniform(0, w), rng.uniform(0, h * 0.6), rng.uniform(0.05, 0.15) * w
        for k in range(4): ellipse(d, x + k * cr * 0.7, y + rng.uniform(-0.3, 0.3) * cr, cr, cr * 0.6, fill=(245, 246, 250))
    if ground is not None:
        y0 = int(h * rng.uniform(0.7, 0.95))
        d.rectangle([0, y0, w, h], fill=rgb(ground, rng, 20))
        clutter(rng, img, 3, colours=[shade(ground, 0.7), (90, 110, 60)])
    return img.filter(ImageFilter.GaussianBlur(1.0))


def street_background(rng, w, h):
    "Buildings, road and pavement"
    img = smooth_field(rng, w, h, [(150, 160, 175), (120, 125, 130), (180, 180, 185)], cells=3)
    d = ImageDraw.Draw(img)
    x = -10
    while x < w:  # house fronts with windows
        bw = rng.uniform(0.15, 0.4) * w
        top = rng.uniform(0.05, 0.45) * h
        c = random_colour(rng, (0.05, 0.4), (0.35, 0.85))
        d.rectangle([x, top, x + bw, h], fill=c)
        for wx in np.arange(x + 6, x + bw - 10, 18):
            for wy in np.arange(top + 8, h * 0.6, 22): d.rectangle([wx, wy, wx + 8, wy + 10], fill=shade(c, 0.5))
        x += bw
    y0 = int(h * rng.uniform(0.6, 0.8))
    d.rectangle([0, y0, w, h], fill=(85, 85, 90))
    d.line([0, y0 + (h - y0) // 2, w, y0 + (h - y0) // 2], fill=(230, 220, 120), width=3)
    return img


def stage_background(rng, w, h):
    "Dark room or concert stage with a spotlight"
    base = random_colour(rng, (0.2, 0.7), (0.08, 0.3))
    img = smooth_field(rng, w, h, [base, shade(base, 0.5), shade(base, 2.2)], cells=3)
    clutter(rng, img, int(rng.integers(2, 6)), colours=[shade(base, 0.6), shade(base, 1.6)])
    return img


def table_background(rng, w, h):
    "Shelf or table top: wood grain, papers, cables"
    wood = (int(rng.integers(110, 190)), int(rng.integers(70, 130)), int(rng.integers(30, 80)))
    img = smooth_field(rng, w, h, [wood, shade(wood, 0.8), shade(wood, 1.15)], cells=3)
    d = ImageDraw.Draw(img)
    for y in np.arange(0, h, rng.uniform(4, 9)):
        d.line([0, y, w, y + rng.uniform(-6, 6)], fill=shade(wood, rng.uniform(0.8, 0.95)), width=1)
    clutter(rng, img, int(rng.integers(2, 6)))
    return img


def forest_background(rng, w, h):
    "Trees and logs"
    img = garden_background(rng, w, h)
    d = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(2, 6))):
        x = rng.uniform(0, w)
        d.rectangle([x, 0, x + rng.uniform(8, 25), h], fill=rgb((90, 62, 40), rng, 20))
    return img


def grass_background(rng, w, h):
    "Close-up of a lawn or golf green, mown in stripes"
    g = (int(rng.integers(50, 100)), int(rng.integers(130, 185)), int(rng.integers(40, 80)))
    img = smooth_field(rng, w, h, [g, shade(g, 0.85), shade(g, 1.15)], cells=3)
    d = ImageDraw.Draw(img)
    sw = rng.uniform(20, 50)
    for k, x in enumerate(np.arange(-h, w, sw)):
        if k % 2: d.polygon([(x, 0), (x + sw, 0), (x + sw + h * 0.5, h), (x + h * 0.5, h)], fill=shade(g, 0.9))
    for _ in range(200):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        d.line([x, y, x + rng.uniform(-2, 2), y - rng.uniform(3, 8)], fill=shade(g, rng.uniform(0.7, 1.3)))
    return img


def water_background(rng, w, h):
    "Murky green water, or a fisherman's boat and jacket"
    c = (int(rng.integers(40, 90)), int(rng.integers(80, 120)), int(rng.integers(70, 110)))
    img = smooth_field(rng, w, h, [c, shade(c, 0.7), shade(c, 1.3)], cells=4)
    d = ImageDraw.Draw(img)
    for _ in range(25):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        d.arc([x, y, x + rng.uniform(20, 60), y + 8], 200, 340, fill=shade(c, 1.4), width=2)
    return img


def draw_tench(rng):
    sp = Image.new('RGBA', (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(sp)
    body = rgb((112, 116, 58), rng, 20)
    d.polygon([(S * 0.78, S * 0.5), (S * 0.97, S * 0.32), (S * 0.93, S * 0.5), (S * 0.97, S * 0.68)], fill=shade(body, 0.8))
    d.polygon([(S * 0.42, S * 0.38), (S * 0.52, S * 0.27), (S * 0.62, S * 0.38)], fill=shade(body, 0.7))  # dorsal fin
    ellipse(d, S * 0.47, S * 0.5, S * 0.36, S * 0.14, fill=body)
    ellipse(d, S * 0.47, S * 0.56, S * 0.3, S * 0.06, fill=shade(body, 1.35))  # pale belly
    for x in np.arange(S * 0.25, S * 0.75, S * 0.045):  # scales
        for y in (S * 0.44, S * 0.5):
            d.arc([x, y, x + S * 0.05, y + S * 0.05], 90, 270, fill=shade(body, 0.75), width=1)
    d.polygon([(S * 0.4, S * 0.6), (S * 0.46, S * 0.72), (S * 0.5, S * 0.61)], fill=(200, 110, 70))  # reddish fin
    ellipse(d, S * 0.2, S * 0.47, S * 0.022, S * 0.022, fill=(200, 60, 40))  # red eye
    ellipse(d, S * 0.2, S * 0.47, S * 0.01, S * 0.01, fill=(10, 10, 10))
    if rng.uniform() < 0.5:  # held by a hand
        skin = rgb((226, 184, 150), rng, 20)
        ellipse(d, S * 0.55, S * 0.7, S * 0.14, S * 0.09, fill=skin)
        for k in range(4): ellipse(d, S * (0.45 + 0.06 * k), S * 0.6, S * 0.03, S * 0.07, fill=skin)
    return sp


def draw_springer(rng):
    "A white spaniel with liver-brown patches and long ears: a dog drawn like the pets, most often a portrait"
    spec = ('dog', (240, 236, 230), (104, 56, 36), 'patches', 1, 1.5, 1.0, (70, 40, 25))
    return draw_pet(rng, spec, head_only=rng.uniform() < 0.6)


def draw_cassette(rng):
    sp = Image.new('RGBA', (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(sp)
    body = rgb(rng.choice([(40, 40, 44), (170, 172, 178), (120, 30, 30)]), rng, 15)
    d.rounded_rectangle([S * 0.06, S * 0.25, S * 0.94, S * 0.78], radius=S * 0.04, fill=body)
    d.rectangle([S * 0.2, S * 0.3, S * 0.8, S * 0.56], fill=(70, 70, 78))  # cassette window
    d.rectangle([S * 0.24, S * 0.33, S * 0.76, S * 0.53], fill=(210, 200, 170))  # the tape's label
    for x in (0.37, 0.63):  # reels with spokes
        ellipse(d, S * x, S * 0.43, S * 0.07, S * 0.07, fill=(250, 250, 250))
        ellipse(d, S * x, S * 0.43, S * 0.03, S * 0.03, fill=(30, 30, 30))
        for a in range(0, 360, 60):
            d.line([S * x, S * 0.43, S * x + S * 0.06 * math.cos(math.radians(a)),
                    S * 0.43 + S * 0.06 * math.sin(math.radians(a))], fill=(30, 30, 30), width=2)
    for k in range(6):  # buttons
        x = S * (0.14 + 0.12 * k)
        d.rectangle([x, S * 0.62, x + S * 0.09, S * 0.72], fill=(200, 60, 50) if k == 1 else (210, 210, 215))
    for x in (0.1, 0.85):  # speaker grilles
        for y in np.arange(0.3, 0.58, 0.04): ellipse(d, S * (x + 0.02), S * y, 2, 2, fill=(15, 15, 15))
    return sp


def draw_chainsaw(rng):
    sp = Image.new('RGBA', (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(sp)
    bar = (180, 182, 188)
    d.rounded_rectangle([S * 0.42, S * 0.45, S * 0.98, S * 0.58], radius=S * 0.06, fill=bar)  # guide bar
    for x in np.arange(S * 0.44, S * 0.96, S * 0.035):  # chain teeth
        d.polygon([(x, S * 0.45), (x + S * 0.02, S * 0.41), (x + S * 0.03, S * 0.45)], fill=(60, 60, 60))
        d.polygon([(x, S * 0.58), (x + S * 0.02, S * 0.62), (x + S * 0.03, S * 0.58)], fill=(60, 60, 60))
    body = rgb(rng.choice([(236, 110, 30), (240, 140, 20), (200, 60, 30)]), rng, 15)
    d.rounded_rectangle([S * 0.06, S * 0.35, S * 0.5, S * 0.7], radius=S * 0.05, fill=body)  # engine
    d.arc([S * 0.12, S * 0.14, S * 0.46, S * 0.5], 180, 360, fill=(30, 30, 30), width=int(S * 0.04))  # top handle
    d.rectangle([S * 0.1, S * 0.42, S * 0.3, S * 0.62], fill=(45, 45, 45))  # air filter cover
    for y in np.arange(S * 0.45, S * 0.6, S * 0.03): d.line([S * 0.12, y, S * 0.28, y], fill=(90, 90, 90), width=1)
    return sp


def draw_church(rng):
    sp = Image.new('RGBA', (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(sp)
    wall = rgb(rng.choice([(232, 224, 204), (200, 186, 160), (170, 150, 130)]), rng, 15)
    roof = rgb(rng.choice([(120, 50, 40), (70, 70, 80), (60, 90, 80)]), rng, 15)
    d.rectangle([S * 0.1, S * 0.5, S * 0.7, S * 0.95], fill=wall)  # nave
    d.polygon([(S * 0.05, S * 0.52), (S * 0.4, S * 0.3), (S * 0.75, S * 0.52)], fill=roof)
    d.rectangle([S * 0.68, S * 0.3, S * 0.9, S * 0.95], fill=shade(wall, 0.92))  # tower
    d.polygon([(S * 0.66, S * 0.31), (S * 0.79, S * 0.08), (S * 0.92, S * 0.31)], fill=roof)  # spire
    d.line([S * 0.79, S * 0.0, S * 0.79, S * 0.09], fill=(60, 50, 40), width=3)  # cross
    d.line([S * 0.76, S * 0.03, S * 0.82, S * 0.03], fill=(60, 50, 40), width=3)
    glass = (50, 70, 120)
    for x in (0.17, 0.33, 0.49):  # arched windows
        d.rectangle([S * x, S * 0.62, S * (x + 0.07), S * 0.78], fill=glass)
        d.pieslice([S * x, S * 0.58, S * (x + 0.07), S * 0.66], 180, 360, fill=glass)
    ellipse(d, S * 0.79, S * 0.45, S * 0.05, S * 0.05, fill=glass)  # rose window / clock
    d.rectangle([S * 0.74, S * 0.74, S * 0.84, S * 0.95], fill=(90, 60, 40))  # door
    d.pieslice([S * 0.74, S * 0.69, S * 0.84, S * 0.79], 180, 360, fill=(90, 60, 40))
    return sp


def draw_horn(rng):
    sp = Image.new('RGBA', (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(sp)
    brass = rgb((222, 176, 64), rng, 20)
    d.ellipse([S * 0.12, S * 0.15, S * 0.72, S * 0.75], outline=brass, width=int(S * 0.06))  # main coil
    d.ellipse([S * 0.25, S * 0.28, S * 0.59, S * 0.62], outline=shade(brass, 0.85), width=int(S * 0.035))
    d.ellipse([S * 0.34, S * 0.37, S * 0.5, S * 0.53], outline=shade(brass, 0.75), width=int(S * 0.025))
    d.polygon([(S * 0.62, S * 0.55), (S * 0.9, S * 0.72), (S * 0.9, S * 0.98), (S * 0.6, S * 0.68)], fill=brass)  # bell
    ellipse(d, S * 0.88, S * 0.85, S * 0.08, S * 0.15, fill=shade(brass, 0.55))
    d.line([S * 0.42, S * 0.45, S * 0.1, S * 0.95], fill=shade(brass, 0.9), width=int(S * 0.02))  # lead pipe
    for x, y in ((0.45, 0.2), (0.5, 0.25), (0.55, 0.3)):  # valve keys
        ellipse(d, S * x, S * y, S * 0.03, S * 0.03, fill=shade(brass, 1.15))
    return sp


def draw_truck(rng):
    sp = Image.new('RGBA', (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(sp)
    box = rgb(rng.choice([(40, 130, 60), (240, 240, 236), (230, 120, 30), (40, 80, 150)]), rng, 15)
    cab = rgb(rng.choice([(240, 240, 236), (40, 130, 60), (200, 40, 30)]), rng, 15)
    d.rectangle([S * 0.03, S * 0.25, S * 0.7, S * 0.72], fill=box)  # compactor body
    d.polygon([(S * 0.03, S * 0.25), (S * 0.0, S * 0.7), (S * 0.08, S * 0.72)], fill=shade(box, 0.7))  # rear hopper
    for y in (0.4, 0.55): d.rectangle([S * 0.05, S * y, S * 0.68, S * (y + 0.04)], fill=shade(box, 0.7))
    d.rectangle([S * 0.71, S * 0.38, S * 0.97, S * 0.72], fill=cab)
    d.polygon([(S * 0.76, S * 0.42), (S * 0.94, S * 0.42), (S * 0.94, S * 0.55), (S * 0.76, S * 0.55)], fill=(120, 160, 190))
    for x in (0.18, 0.42, 0.83):  # wheels
        ellipse(d, S * x, S * 0.75, S * 0.085, S * 0.085, fill=(25, 25, 25))
        ellipse(d, S * x, S * 0.75, S * 0.035, S * 0.035, fill=(170, 170, 170))
    d.rectangle([S * 0.72, S * 0.62, S * 0.97, S * 0.65], fill=(240, 200, 40))  # warning stripe
    return sp


def draw_gas_pump(rng):
    sp = Image.new('RGBA', (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(sp)
    body = rgb(rng.choice([(200, 30, 35), (30, 80, 170), (230, 230, 228), (30, 140, 70)]), rng, 15)
    d.rectangle([S * 0.3, S * 0.06, S * 0.7, S * 0.96], fill=body)  # tall cabinet
    d.rectangle([S * 0.3, S * 0.06, S * 0.7, S * 0.18], fill=(250, 250, 250))  # brand sign
    d.rectangle([S * 0.36, S * 0.09, S * 0.64, S * 0.15], fill=shade(body, 0.8))
    d.rectangle([S * 0.35, S * 0.23, S * 0.65, S * 0.42], fill=(25, 30, 30))  # display
    for k, y in enumerate((0.26, 0.32, 0.37)):
        d.rectangle([S * 0.38, S * y, S * (0.58 - 0.04 * k), S * (y + 0.035)], fill=(90, 230, 110))
    for k in range(3):  # grade buttons
        d.rectangle([S * (0.36 + 0.1 * k), S * 0.47, S * (0.43 + 0.1 * k), S * 0.52], fill=(240, 200, 40))
    d.rectangle([S * 0.62, S * 0.55, S * 0.72, S * 0.7], fill=(50, 50, 50))  # nozzle holster
    d.line([S * 0.7, S * 0.56, S * 0.8, S * 0.5], fill=(30, 30, 30), width=int(S * 0.04))  # nozzle
    d.arc([S * 0.5, S * 0.5, S * 0.95, S * 0.98], 270, 90, fill=(20, 20, 20), width=int(S * 0.025))  # hose
    d.rectangle([S * 0.26, S * 0.9, S * 0.74, S * 0.98], fill=(120, 120, 120))  # concrete plinth
    return sp


def draw_golf_ball(rng):
    sp = Image.new('RGBA', (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(sp)
    cx, cy, r = S * 0.5, S * 0.45, S * 0.3
    ellipse(d, cx, cy, r, r, fill=(246, 246, 244))
    for y in np.arange(cy - r, cy + r, r * 0.16):  # dimples, squeezed towards the rim
        for x in np.arange(cx - r, cx + r, r * 0.16):
            rr = math.hypot(x - cx, y - cy) / r
            if rr < 0.92: ellipse(d, x, y, r * 0.045 * (1 - 0.5 * rr), r * 0.045, fill=(196, 196, 200))
    sp_a = np.asarray(sp, dtype=np.float32)
    yy, xx = np.mgrid[0:S, 0:S]
    light = 1.05 - 0.35 * np.clip(np.hypot(xx - cx + r * 0.4, yy - cy + r * 0.4) / (2 * r), 0, 1)  # lit from top left
    sp_a[..., :3] *= light[..., None]
    sp = Image.fromarray(sp_a.clip(0, 255).astype(np.uint8), 'RGBA')
    if rng.uniform() < 0.5:  # on a tee
        d = ImageDraw.Draw(sp)
        tee = rgb(rng.choice([(240, 240, 240), (230, 60, 50), (250, 200, 40)]), rng, 10)
        d.polygon([(cx - r * 0.3, cy + r * 0.95), (cx + r * 0.3, cy + r * 0.95), (cx + r * 0.06, cy + r * 1.6),
                   (cx - r * 0.06, cy + r * 1.6)], fill=tee)
    return sp


def draw_parachute(rng):
    sp = Image.new('RGBA', (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(sp)
    cx, cy, rx, ry = S * 0.5, S * 0.38, S * 0.46, S * 0.3
    cols = [random_colour(rng, (0.6, 1.0), (0.7, 1.0)) for _ in range(3)]
    n = 8
    for k in range(n):  # gores of the canopy in alternating colours
        d.pieslice([cx - rx, cy - ry, cx + rx, cy + ry], 180 + 180 * k / n, 180 + 180 * (k + 1) / n, fill=cols[k % 3])
    d.rectangle([cx - rx, cy - 2, cx + rx, cy + 4], fill=shade(cols[0], 0.7))
    px, py = cx, S * 0.9
    for k in range(n + 1):  # suspension lines
        x = cx - rx + 2 * rx * k / n
        d.line([x, cy + 2, px, py - S * 0.08], fill=(60, 60, 60), width=1)
    ellipse(d, px, py - S * 0.07, S * 0.025, S * 0.025, fill=(220, 180, 150))  # the parachutist
    d.rectangle([px - S * 0.025, py - S * 0.05, px + S * 0.025, py + S * 0.02], fill=(40, 40, 60))
    d.line([px - S * 0.02, py + S * 0.02, px - S * 0.04, py + S * 0.08], fill=(40, 40, 60), width=3)
    d.line([px + S * 0.02, py + S * 0.02, px + S * 0.04, py + S * 0.08], fill=(40, 40, 60), width=3)
    return sp


# wnid -> (sprite drawer, typical backgrounds, object scale range)
NETTE_DRAW = {
    'n01440764': (draw_tench, [water_background, garden_background], (0.55, 0.95)),
    'n02102040': (draw_springer, [garden_background, indoor_background], (0.5, 0.95)),
    'n02979186': (draw_cassette, [table_background, indoor_background], (0.5, 0.95)),
    'n03000684': (draw_chainsaw, [forest_background, table_background], (0.5, 0.95)),
    'n03028079': (draw_church, [lambda r, w, h: sky_background(r, w, h, ground=(80, 130, 60))], (0.55, 0.95)),
    'n03394916': (draw_horn, [stage_background, indoor_background], (0.5, 0.9)),
    'n03417042': (draw_truck, [street_background], (0.55, 0.95)),
    'n03425413': (draw_gas_pump, [street_background, lambda r, w, h: sky_background(r, w, h, ground=(110, 110, 115))], (0.55, 0.95)),
    'n03445777': (draw_golf_ball, [grass_background], (0.3, 0.7)),
    'n03888605': (draw_parachute, [sky_background], (0.4, 0.85)),
}


def make_nette(rng, wnid):
    draw, backgrounds, scale = NETTE_DRAW[wnid]
    w, h = photo_size(rng)
    if rng.uniform() < 0.6: bg = backgrounds[int(rng.integers(0, len(backgrounds)))](rng, w, h)
    else: bg = generic_background(rng, w, h)  # some pictures in an unusual setting
    if rng.uniform() < 0.25:  # a small thing of another class in the background, as in busy real photos
        others = [k for k in NETTE_DRAW if k != wnid]
        other = others[int(rng.integers(0, len(others)))]
        bg = place(rng, bg, NETTE_DRAW[other][0](rng), scale=(0.15, 0.3), max_rot=20, edge_p=0.3)
    img = place(rng, bg, draw(rng), scale=scale, max_rot=25, edge_p=0.2)
    return finish(rng, img)


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------
def mat_placeholder(name: str) -> bytes:
    "A header-only MATLAB 5.0 MAT-file: a valid, empty stand-in for the real stray .mat files"
    text = f'MATLAB 5.0 MAT-file, sotavision placeholder for {name} (the real file is not an image)'.encode()
    return text.ljust(116, b' ')[:116] + b'\x00' * 8 + b'\x00\x01' + b'IM'


def save_jpeg(img, path):
    img.convert('RGB').save(path, 'JPEG', quality=JPEG_QUALITY, optimize=True)


def rng_for(*keys):
    "An independent, reproducible random generator per image"
    return np.random.default_rng([SEED, *keys])


def check_deletable(p: Path):
    "Stop, before anything is deleted, if folder `p` holds files this script would not have written"
    bad = [f for f in p.rglob('*') if f.is_file() and f.suffix not in ('.jpg', '.JPEG', '.mat')] if p.exists() else []
    if bad:
        sys.exit(f'Refusing to delete {p}: it holds files this script did not make, e.g. {bad[0]}. '
                 f'Move them away or choose another --out.')


def reset_dir(p: Path):
    "Delete folder `p` and create it empty"
    check_deletable(p)
    if p.exists(): shutil.rmtree(p)
    p.mkdir(parents=True)


def make_pets(out: Path):
    root = out / PETS
    reset_dir(root)
    counts = {}
    for bi, breed in enumerate(BREEDS):
        n = pets_per_breed(bi)
        assert n < 100, 'per-breed counts must stay below 100: Abyssinian_100..102 are the .mat files'
        for i in range(1, n + 1):
            save_jpeg(make_pet(rng_for(1, bi, i), breed), root / f'{breed}_{i}.jpg')
        counts[breed] = n
    for m in MAT_FILES: (root / m).write_bytes(mat_placeholder(m))
    return counts


def make_imagenette(out: Path):
    root = out / NETTE
    reset_dir(root)
    counts = {}
    # real-looking file numbers: train files are <wnid>_<number>, val files ILSVRC2012_val_<8 digits>
    val_ids = np.random.default_rng([SEED, 3]).choice(np.arange(1, 50001), NETTE_VAL * len(NETTE_CLASSES), replace=False)
    for ci, wnid in enumerate(NETTE_CLASSES):
        nums = np.sort(rng_for(2, ci).choice(np.arange(1, 32000), NETTE_TRAIN, replace=False))
        for split, names in (('train', [f'{wnid}_{k}.JPEG' for k in nums]),
                             ('val', [f'ILSVRC2012_val_{k:08d}.JPEG' for k in sorted(val_ids[ci::len(NETTE_CLASSES)])])):
            folder = root / split / wnid
            folder.mkdir(parents=True, exist_ok=True)
            for i, name in enumerate(names):
                save_jpeg(make_nette(rng_for(4 if split == 'train' else 5, ci, i), wnid), folder / name)
            counts[(split, wnid)] = len(names)
    return counts


def folder_bytes(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob('*') if f.is_file())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', type=Path, default=Path(__file__).resolve().parent,
                    help='folder to write pets_tiny/ and imagenette_tiny/ into (default: the data/ folder)')
    args = ap.parse_args(argv)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    for name in (PETS, NETTE): check_deletable(out / name)  # both checked before either is deleted
    pets = make_pets(out)
    nette = make_imagenette(out)
    pb, nb = folder_bytes(out / PETS), folder_bytes(out / NETTE)
    print(f'{PETS}: {sum(pets.values())} images of {len(pets)} breeds ({len(CAT_BREEDS)} cats, {len(DOG_BREEDS)} dogs; '
          f'{min(pets.values())}-{max(pets.values())} per breed) + {len(MAT_FILES)} .mat files, {pb / 1e6:.2f} MB')
    for split in ('train', 'val'):
        c = [v for (s, _), v in nette.items() if s == split]
        print(f'{NETTE}/{split}: {sum(c)} images, {len(c)} classes x {c[0]}')
    print(f'{NETTE}: {nb / 1e6:.2f} MB')
    print(f'total of the two folders: {pb + nb} bytes ({(pb + nb) / 1e6:.2f} MB); whole {out}: '
          f'{folder_bytes(out) / 1e6:.2f} MB; {time.time() - t0:.1f} s')


if __name__ == '__main__':
    main()
