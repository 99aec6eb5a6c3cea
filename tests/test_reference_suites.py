"""The library against its references' own test suites: PyTorch's op samples (`op_db`) for the losses of lesson 3,
and fastai's notebook tests (01a_losses, 14_callback.schedule, 19_callback.mixup) ported to our functions.

Each from-scratch function is compared with the reference on the same inputs, values and gradients; where a sample uses
something ours does not support (a keyword such as `weight`, an unbatched or per-pixel input), the expectation is a clear
error, checked as its own test so that nothing is silently skipped."""
import itertools, math, tempfile, warnings
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

warnings.filterwarnings('ignore', category=FutureWarning)
from torch.testing._internal.common_methods_invocations import op_db  # needs the `expecttest` package (dev extra)

from fastai.basics import Learner, DataLoaders, set_seed, nn
from fastai.losses import (CrossEntropyLossFlat, BCEWithLogitsLossFlat, LabelSmoothingCrossEntropy,
                           LabelSmoothingCrossEntropyFlat)
from fastai.callback.mixup import MixUp as FastaiMixUp
from fastai.callback.schedule import SchedExp
import fastai.callback.schedule as fa
from fastai.test_utils import synth_learner

from sotavision import losses as L
from sotavision import label_smoothing as LS
from sotavision.lr_finder import lr_find, minimum, steep, valley, slide
from sotavision.mixup import MixUp

torch.set_num_threads(1)
DTYPES = (torch.float32, torch.float64)

# ---------------------------------------------------------------------------------------------------------------------
# PyTorch's op samples
# ---------------------------------------------------------------------------------------------------------------------

def _is_class_input(x, t):
    "Is `(x, t)` a batch of class scores (N, C) with class-index targets (N,), the only form our nll_loss/cross_entropy take?"
    return x.ndim == 2 and not t.is_floating_point() and t.shape == x.shape[:1]

# op_db name -> (our function, the keywords it supports, does it support this sample's input form?)
OPS = {
    'softmax':     (L.softmax, set(), lambda s: True),
    'log_softmax': (L.log_softmax, set(), lambda s: True),
    'logsumexp':   (L.logsumexp, {'keepdim'}, lambda s: True),
    'sigmoid':     (L.sigmoid, set(), lambda s: True),
    'nn.functional.nll_loss': (L.nll_loss, {'reduction'}, lambda s: _is_class_input(s.input, s.args[0])),
    'nn.functional.cross_entropy': (L.cross_entropy, {'reduction'}, lambda s: _is_class_input(s.input, s.args[0])),
    'nn.functional.binary_cross_entropy_with_logits': (L.binary_cross_entropy_with_logits, {'reduction'}, lambda s: True),
}

def _samples(name, dtype):
    "Every sample input of the op_db entries (all variants) named `name`, in `dtype`, with gradients wanted"
    ops = [o for o in op_db if o.name == name]
    assert ops, f"op_db has no {name}"
    return [(f"{o.name}{'.'+o.variant_test_name if o.variant_test_name else ''}", o.op, s)
            for o in ops for s in o.sample_inputs('cpu', dtype, requires_grad=True)]

def _supported(name, s):
    "Does our function take sample `s` of op `name`: only keywords it has, and an input form it accepts?"
    _, kws, takes = OPS[name]
    return set(s.kwargs) <= kws and takes(s)

def _fresh(o):
    "A detached copy of `o` (a tensor keeps `requires_grad`), so that ours and the reference get separate leaves"
    return o.detach().clone().requires_grad_(o.requires_grad) if isinstance(o, torch.Tensor) else o

def _leaves(s_in, args, kwargs):
    "The tensors of a call that want a gradient"
    return [o for o in (s_in, *args, *kwargs.values()) if isinstance(o, torch.Tensor) and o.requires_grad]

def _run(f, s):
    "`f` on fresh copies of sample `s`: (output, gradients of a fixed random weighting of the output w.r.t. every leaf)"
    x, args, kwargs = _fresh(s.input), tuple(_fresh(o) for o in s.args), {k: _fresh(v) for k, v in s.kwargs.items()}
    out = f(x, *args, **kwargs)
    leaves = _leaves(x, args, kwargs)
    g = torch.Generator().manual_seed(0)
    w = torch.rand(out.shape, generator=g, dtype=out.dtype)
    grads = torch.autograd.grad((out*w).sum(), leaves, allow_unused=True) if leaves and out.requires_grad else ()
    return out, [torch.zeros_like(l) if gr is None else gr for l, gr in zip(leaves, grads)]

@pytest.mark.parametrize('dtype', DTYPES, ids=str)
@pytest.mark.parametrize('name', list(OPS))
def test_op_db_samples_match_torch(name, dtype):
    """Does our function give PyTorch's values and gradients on every op_db sample it supports?"""
    ours = OPS[name][0]
    done = 0
    for label, ref, s in _samples(name, dtype):
        if not _supported(name, s): continue
        a, ga = _run(ours, s)
        b, gb = _run(ref, s)
        msg = f"{label} on input {tuple(s.input.shape)}, args {s.args}, kwargs {s.kwargs}"
        torch.testing.assert_close(a, b, equal_nan=True, msg=lambda m: f"{msg}: values differ: {m}")
        assert len(ga) == len(gb), msg
        for x, y in zip(ga, gb): torch.testing.assert_close(x, y, equal_nan=True, msg=lambda m: f"{msg}: gradients differ: {m}")
        done += 1
    assert done >= 3, f"only {done} op_db samples of {name} are supported: did op_db change?"

@pytest.mark.parametrize('name', list(OPS))
def test_op_db_unsupported_samples_raise(name):
    """Does every op_db sample our function does not support fail with a clear error naming what is not supported?"""
    for label, _, s in _samples(name, torch.float32):
        if _supported(name, s): continue
        extra = sorted(set(s.kwargs) - OPS[name][1])
        with pytest.raises((TypeError, ValueError)) as e: OPS[name][0](s.input, *s.args, **s.kwargs)
        msg = str(e.value)
        if extra:  # Python names the first keyword it cannot bind
            assert e.type is TypeError and any(f"'{k}'" in msg for k in extra), f"{label} with {extra}: {msg}"
        elif s.input.ndim != 2:  # unbatched (C,) or per-pixel (N, C, d1, ...) input
            assert e.type is ValueError and "input must have shape (N, C)" in msg, f"{label} {tuple(s.input.shape)}: {msg}"
        else:  # class probabilities as targets
            assert s.args[0].is_floating_point(), f"{label}: unexpected unsupported sample"
            assert e.type is ValueError and "target must hold integer class indices" in msg, f"{label}: {msg}"

def test_op_db_has_unsupported_samples_to_check():
    """Do the unsupported-sample expectations check something (op_db still has samples with weight, ignore_index, dtype...)?"""
    n = sum(not _supported(name, s) for name in OPS for _, _, s in _samples(name, torch.float32))
    assert n >= 40, n

# Infinities and nan: every row of 1 to 3 of these values, each row one item of a batch. Finite values are small so that
# PyTorch's own rounding does not enter (its logsumexp gradient, exp(x - logsumexp(x)), loses 2e-4 relative at |x| = 1e4
# in float32, where ours is exact).
EDGE = [math.inf, -math.inf, math.nan, 0., 1., -3.]

def _check_same(ours, ref, x, *args, **kwargs):
    "Values and gradients (w.r.t. `x`) of `ours` and `ref` on `x`, equal with nan equal to nan"
    xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
    a, b = ours(xa, *args, **kwargs), ref(xb, *args, **kwargs)
    torch.testing.assert_close(a, b, equal_nan=True, msg=lambda m: f"{ours.__name__}, values on {x.tolist()}: {m}")
    w = torch.linspace(0.5, 1.5, b.numel(), dtype=b.dtype).reshape(b.shape)
    ga, gb = (torch.autograd.grad((o*w).sum(), i)[0] for o, i in ((a, xa), (b, xb)))
    torch.testing.assert_close(ga, gb, equal_nan=True, msg=lambda m: f"{ours.__name__}, gradients on {x.tolist()}: {m}")

@pytest.mark.parametrize('dtype', DTYPES, ids=str)
@pytest.mark.parametrize('n', [1, 2, 3])
def test_infinite_and_nan_logits_match_torch(n, dtype):
    """Do rows holding inf, -inf and nan give PyTorch's values and gradients (nan where PyTorch says nan, and only there)?"""
    x = torch.tensor(list(itertools.product(EDGE, repeat=n)), dtype=dtype)  # (6**n, n): every row of n values
    for dim in (-1, 0):
        _check_same(L.softmax, torch.softmax, x, dim)
        _check_same(L.log_softmax, torch.log_softmax, x, dim)
        _check_same(L.logsumexp, torch.logsumexp, x, dim)
    _check_same(L.sigmoid, torch.sigmoid, x)
    for t in range(n):
        targ = torch.full((len(x),), t)
        for red in ('none', 'sum'):
            _check_same(L.cross_entropy, F.cross_entropy, x, targ, reduction=red)
            _check_same(L.nll_loss, F.nll_loss, x, targ, reduction=red)
    for t in (0., 1., 0.3):
        for red in ('none', 'mean'):
            _check_same(L.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits, x, torch.full_like(x, t), reduction=red)

def test_the_issue_cases():
    """Are the three wrong answers of issue 14 gone: sigmoid(+inf), softmax of a row holding +inf, dim=None?"""
    x = torch.tensor([math.inf], requires_grad=True)
    s = L.sigmoid(x); s.sum().backward()
    assert (s.item(), x.grad.item()) == (1., 0.)
    assert L.softmax(torch.tensor([math.inf, 0., 0.])).isnan().all()
    for f in (L.softmax, L.log_softmax, L.logsumexp):
        with pytest.raises(TypeError, match="dim must be an int"): f(torch.randn(2, 3), None)

# ---------------------------------------------------------------------------------------------------------------------
# fastai's nbs/01a_losses.ipynb, ported: the facts its tests check, for the functions lesson 3 and 12 re-implement
# ---------------------------------------------------------------------------------------------------------------------

def test_fastai_cross_entropy_flat():
    """CrossEntropyLossFlat on (32, 5, 10) logits and (32, 5) targets: is ours on the flattened batch the same, for every
    reduction, and is the unflattened batch refused (as nn.CrossEntropyLoss fails on it)?"""
    torch.manual_seed(0)
    output, target = torch.randn(32, 5, 10), torch.randint(0, 10, (32, 5))
    for red in ('mean', 'sum', 'none'):
        torch.testing.assert_close(L.cross_entropy(output.view(-1, 10), target.view(-1), red), CrossEntropyLossFlat(reduction=red)(output, target))
    with pytest.raises(ValueError, match=r"input must have shape \(N, C\)"): L.cross_entropy(output, target)
    with pytest.raises(Exception): nn.CrossEntropyLoss()(output, target)
    torch.testing.assert_close(L.softmax(output), CrossEntropyLossFlat().activation(output))  # its activation is softmax

def test_fastai_cross_entropy_flat_segmentation():
    """With the class axis 1 (segmentation), is ours on the pixels as rows equal to CrossEntropyLossFlat(axis=1), and its
    activation our softmax(dim=1)?"""
    torch.manual_seed(1)
    output, target = torch.randn(4, 5, 8, 8), torch.randint(0, 5, (4, 8, 8))
    rows = output.permute(0, 2, 3, 1).reshape(-1, 5)
    torch.testing.assert_close(L.cross_entropy(rows, target.view(-1)), CrossEntropyLossFlat(axis=1)(output, target))
    torch.testing.assert_close(L.softmax(output, dim=1), CrossEntropyLossFlat(axis=1).activation(output))

def test_fastai_bce_with_logits_flat():
    """BCEWithLogitsLossFlat on (32, 5, 10): same value as ours (any shape, float targets, even outside [0, 1] as in
    fastai's test); integer 0/1 targets, which fastai floatifies, are refused with a hint; activation is our sigmoid."""
    torch.manual_seed(2)
    output, target = torch.randn(32, 5, 10), torch.randn(32, 5, 10)
    torch.testing.assert_close(L.binary_cross_entropy_with_logits(output, target), BCEWithLogitsLossFlat()(output, target))
    output, target = torch.randn(32, 5), torch.randint(0, 2, (32, 5))
    with pytest.raises(ValueError, match=r"try target.float\(\)"): L.binary_cross_entropy_with_logits(output, target)
    torch.testing.assert_close(L.binary_cross_entropy_with_logits(output, target.float()), BCEWithLogitsLossFlat()(output, target))
    torch.testing.assert_close(L.sigmoid(output), BCEWithLogitsLossFlat().activation(output))

def test_fastai_label_smoothing():
    """LabelSmoothingCrossEntropy(Flat): does ours give the same loss on the flattened (32, 5, 10) batch, every reduction,
    several eps, and refuse the unflattened one?"""
    torch.manual_seed(3)
    output, target = torch.randn(32, 5, 10), torch.randint(0, 10, (32, 5))
    flat_out, flat_t = output.flatten(0, 1), target.flatten()
    for eps in (0.1, 0.3, 0.):
        for red in ('mean', 'sum', 'none'):
            ref = LabelSmoothingCrossEntropy(eps=eps, reduction=red)(flat_out, flat_t)
            torch.testing.assert_close(LS.label_smoothing_cross_entropy(flat_out, flat_t, eps, red), ref)
    torch.testing.assert_close(LS.label_smoothing_cross_entropy(flat_out, flat_t), LabelSmoothingCrossEntropyFlat()(output, target))
    with pytest.raises(ValueError, match=r"input must have shape \(N, C\)"): LS.label_smoothing_cross_entropy(output, target)

# ---------------------------------------------------------------------------------------------------------------------
# fastai's nbs/14_callback.schedule.ipynb, ported: LRFinder and the suggestion functions on fastai's synth_learner
# ---------------------------------------------------------------------------------------------------------------------

def _synth(tmp, seed=42):
    "fastai's synth_learner (y = 2x + 3 + noise, RegModel, MSE, SGD), seeded"
    set_seed(seed)
    return synth_learner(path=Path(tmp))

def test_fastai_lr_finder_facts(tmp_path):
    """fastai's LRFinder test, on our finder: at most 100 batches, one loss per rate, the exponential schedule from 1e-7 to
    10, a stop only after the loss passed 4 times its minimum, and the model and optimizer put back."""
    learn = _synth(tmp_path)
    a, b = learn.model.a.detach().clone(), learn.model.b.detach().clone()
    res = lr_find(learn, show_plot=False, suggest_funcs=None)
    assert len(res.lrs) <= 100 and len(res.lrs) == len(res.losses)
    if len(res.lrs) < 100: assert res.losses[-1] > 4*min(res.losses)
    assert res.lrs == [SchedExp(1e-7, 10)(i/100) for i in range(len(res.lrs))]
    assert torch.equal(learn.model.a, a) and torch.equal(learn.model.b, b)
    assert learn.opt is None  # it had none before: fastai's test checks the optimizer state is empty

@pytest.mark.parametrize('kwargs', [{}, {'end_lr': 1e8, 'stop_div': False}, {'start_lr': 1e-5, 'num_it': 50}], ids=str)
def test_fastai_lr_find_same_suggestions(tmp_path, kwargs):
    """Does our lr_find give fastai's four suggestions on synth_learner with the same seed, and leave the weights as they
    were? (With end_lr=1e8 and no stop, the smoothed loss overflows to inf: ours suggested steep 200 before the fix.)"""
    four = (minimum, steep, valley, slide)
    learn = _synth(tmp_path)
    before = [p.detach().clone() for p in learn.model.parameters()]
    ours = lr_find(learn, show_plot=False, suggest_funcs=four, **kwargs)
    assert all(torch.equal(p, q) for p, q in zip(before, learn.model.parameters()))
    theirs_learn = _synth(tmp_path)
    with theirs_learn.no_bar():
        theirs = theirs_learn.lr_find(show_plot=False, suggest_funcs=(fa.minimum, fa.steep, fa.valley, fa.slide), **kwargs)
    assert ours.lrs == theirs_learn.recorder.lrs
    torch.testing.assert_close(torch.tensor(ours.suggestions), torch.tensor(tuple(theirs)), rtol=1e-5, atol=0)
    assert all(math.isfinite(y) for _, y in ours.points)

def test_fastai_suggestion_functions_on_the_synth_curve(tmp_path):
    """fastai's notebook calls valley, slide, minimum and steep on synth_learner's curve[10:-5]: do ours agree?"""
    learn = _synth(tmp_path)
    with learn.no_logging(), learn.no_bar(): learn.fit(20, cbs=fa.LRFinder(num_it=100))
    lrs, losses = torch.tensor(learn.recorder.lrs[10:-5]), torch.tensor([float(o) for o in learn.recorder.losses[10:-5]])
    for ours, theirs in ((valley, fa.valley), (slide, fa.slide), (minimum, fa.minimum), (steep, fa.steep)):
        lr, (x, y) = ours(lrs.tolist(), losses.tolist())
        rlr, (rx, ry) = theirs(lrs, losses, 100)
        torch.testing.assert_close(torch.tensor([lr, x, y], dtype=torch.float64), torch.tensor([float(rlr), float(rx), float(ry)], dtype=torch.float64),
                                   rtol=1e-5, atol=0, msg=lambda m: f"{ours.__name__}: {m}")

# ---------------------------------------------------------------------------------------------------------------------
# fastai's nbs/19_callback.mixup.ipynb, ported: MixUp(0.5) on a learner, before_train and before_batch, then the loss
# ---------------------------------------------------------------------------------------------------------------------

def _mix_learner(cb, loss_func, y, seed=99):
    "A Learner on random 1x4x4 'images' with `cb` attached, after `before_train` and `before_batch` on one batch (x, `y`)"
    g = torch.Generator().manual_seed(0)
    x = torch.rand(len(y), 1, 4, 4, generator=g)
    dls = DataLoaders.from_dsets(list(zip(x, y)), list(zip(x, y)), bs=8)
    learn = Learner(dls, nn.Sequential(nn.Flatten(), nn.Linear(16, 4)), loss_func=loss_func, cbs=cb, path=Path(tempfile.mkdtemp()))
    learn.epoch, learn.training, learn.xb, learn.yb = 0, True, (x,), (y,)
    cb.before_train(); torch.manual_seed(seed); cb.before_batch()
    return learn, x

CASES = {'cross-entropy': (CrossEntropyLossFlat, lambda g: torch.randint(0, 4, (32,), generator=g)),
         'label smoothing': (LabelSmoothingCrossEntropy, lambda g: torch.randint(0, 4, (32,), generator=g)),
         'label smoothing, sum': (lambda: LabelSmoothingCrossEntropyFlat(reduction='sum'), lambda g: torch.randint(0, 4, (32,), generator=g)),
         'multi-label BCE': (BCEWithLogitsLossFlat, lambda g: (torch.rand(32, 4, generator=g) > 0.6).float())}

@pytest.mark.parametrize('case', list(CASES))
def test_fastai_mixup_same_batch_and_loss(case):
    """MixUp(0.5) as in fastai's notebook: the same mixed inputs as fastai's MixUp on the same seed, each a blend with
    weight >= 0.5, the same targets, and the same training loss and gradient with the learner's own loss; validation
    uses the learner's loss unchanged."""
    make_loss, make_y = CASES[case]
    y = make_y(torch.Generator().manual_seed(1))
    ours, x = _mix_learner(MixUp(0.5), make_loss(), y)
    theirs, _ = _mix_learner(FastaiMixUp(0.5), make_loss(), y)
    m = ours.mix_up
    assert torch.equal(m.lam, theirs.mix_up.lam) and (m.lam >= 0.5).all()
    assert torch.equal(ours.xb[0], theirs.xb[0]) and not torch.equal(ours.xb[0], x)
    torch.testing.assert_close(ours.xb[0], m.lam[:, None, None, None]*x + (1-m.lam[:, None, None, None])*x[m.perm])
    assert torch.equal(ours.yb[0], theirs.yb[0])
    pred = torch.randn(32, 4, generator=torch.Generator().manual_seed(2), requires_grad=True)
    a, b = ours.loss_func(pred, *ours.yb), theirs.loss_func(pred, *theirs.yb)
    torch.testing.assert_close(a, b)
    torch.testing.assert_close(*(torch.autograd.grad(o, pred)[0] for o in (a, b)))
    ours.training = theirs.training = False
    torch.testing.assert_close(ours.loss_func(pred, y), make_loss()(pred, y))

def test_mixup_refuses_what_it_cannot_mix():
    """Does MixUp say so, rather than train on a wrong loss, for a loss with no per-item reduction, per-pixel losses and
    boolean targets?"""
    y = torch.randint(0, 4, (32,))
    learn, _ = _mix_learner(MixUp(), lambda pred, targ: F.cross_entropy(pred, targ), y)
    with pytest.raises(TypeError, match="needs a `reduction` attribute or a `reduction` argument"): learn.loss_func(torch.randn(32, 4), y)
    learn, _ = _mix_learner(MixUp(), CrossEntropyLossFlat(axis=1), torch.randint(0, 4, (32, 2, 2)))
    with pytest.raises(ValueError, match="one loss per item"): learn.loss_func(torch.randn(32, 4, 2, 2), *learn.yb)
    with pytest.raises(ValueError, match="got targets of dtype torch.bool"): _mix_learner(MixUp(), BCEWithLogitsLossFlat(), y > 1)
