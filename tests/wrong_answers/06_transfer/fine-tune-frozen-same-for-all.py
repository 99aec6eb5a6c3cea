# replaces: ex3_fine_tune_lrs
# fails: ex3_test_frozen
# Gives every group base_lr in the frozen phase: slice(base_lr) gives the body groups base_lr/10.
def fine_tune_lrs(base_lr=2e-3, n_groups=3, lr_mult=100):
    return [base_lr]*n_groups, discriminative_lrs(slice(base_lr/2/lr_mult, base_lr/2), n_groups)
