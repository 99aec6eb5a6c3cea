# replaces: ex2_freeze_to
# fails: ex2_test_norm, ex2_test_freeze_unfreeze
# Ignores train_bn: the batchnorm layers of frozen groups are frozen too.
def freeze_to(learn, n):
    if learn.opt is None: learn.create_opt()
    groups = learn.opt.param_lists
    for g in groups[:n]:
        for p in g: p.requires_grad_(False)
    for g in groups[n:]:
        for p in g: p.requires_grad_(True)

def freeze(learn):
    freeze_to(learn, -1)

def unfreeze(learn):
    freeze_to(learn, 0)
