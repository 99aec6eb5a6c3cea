# replaces: ex2_freeze_to
# fails: ex2_test_positive, ex2_test_freeze_unfreeze
# Only freezes: the groups from n on keep whatever an earlier call set, so unfreeze does nothing.
def freeze_to(learn, n):
    if learn.opt is None: learn.create_opt()
    norm = {id(p) for m in learn.model.modules() if isinstance(m, norm_types) for p in m.parameters()} if learn.train_bn else set()
    for g in learn.opt.param_lists[:n]:
        for p in g:
            if id(p) not in norm: p.requires_grad_(False)

def freeze(learn):
    freeze_to(learn, -1)

def unfreeze(learn):
    freeze_to(learn, 0)
