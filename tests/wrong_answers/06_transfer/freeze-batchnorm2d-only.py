# replaces: ex2_freeze_to
# fails: ex2_test_norm
# Keeps only nn.BatchNorm2d layers training, not the other normalization layers (BatchNorm1d, LayerNorm, ...).
def freeze_to(learn, n):
    if learn.opt is None: learn.create_opt()
    groups = learn.opt.param_lists
    k = n if n >= 0 else len(groups) + n
    norm = {id(p) for m in learn.model.modules() if isinstance(m, nn.BatchNorm2d) for p in m.parameters()} if learn.train_bn else set()
    for i, g in enumerate(groups):
        for p in g: p.requires_grad_(i >= k or id(p) in norm)

def freeze(learn):
    freeze_to(learn, -1)

def unfreeze(learn):
    freeze_to(learn, 0)
