# replaces: ex4_mixup_batch
# fails: ex4_test_targets
# Mixes the images but returns the one-hot labels unmixed.
def mixup_batch(x, y, lam, perm, n_classes):
    lx = lam.view(-1, *[1]*(x.ndim - 1))
    return lx * x + (1 - lx) * x[perm], F.one_hot(y, n_classes).float()
