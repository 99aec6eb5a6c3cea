# replaces: ex3_fine_tune_lrs
# fails: ex3_test_unfrozen
# Forgets that fine_tune halves base_lr before the unfrozen phase.
def fine_tune_lrs(base_lr=2e-3, n_groups=3, lr_mult=100):
    return discriminative_lrs(slice(base_lr), n_groups), discriminative_lrs(slice(base_lr/lr_mult, base_lr), n_groups)
