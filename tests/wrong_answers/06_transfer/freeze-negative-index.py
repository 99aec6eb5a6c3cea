# replaces: ex2_freeze_to
# fails: ex2_test_negative, ex2_test_freeze_unfreeze
# Compares group indices with a negative n directly (i >= n), so freeze_to(learn, -1) freezes nothing.
def freeze_to(learn, n):
    if learn.opt is None: learn.create_opt()
    norm = {id(p) for m in learn.model.modules() if isinstance(m, norm_types) for p in m.parameters()} if learn.train_bn else set()
    for i, g in enumerate(learn.opt.param_lists):
        for p in g: p.requires_grad_(i >= n or id(p) in norm)

def freeze(learn):
    freeze_to(learn, -1)

def unfreeze(learn):
    freeze_to(learn, 0)
