# replaces: ex3_fine_tune_lrs
# fails: ex3_test_unfrozen
# Divides by lr_mult before halving: the first group then trains twice as fast as fastai's.
def fine_tune_lrs(base_lr=2e-3, n_groups=3, lr_mult=100):
    return discriminative_lrs(slice(base_lr), n_groups), discriminative_lrs(slice(base_lr/lr_mult, base_lr/2), n_groups)
