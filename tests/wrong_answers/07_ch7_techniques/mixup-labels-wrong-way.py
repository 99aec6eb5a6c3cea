# replaces: ex4_mixup_batch
# fails: ex4_test_targets
# Mixes the labels with the weights the wrong way round: lam on the partner's label, 1 - lam on the item's own.
def mixup_batch(x, y, lam, perm, n_classes):
    ys = F.one_hot(y, n_classes).float()
    lx, ly = lam.view(-1, *[1]*(x.ndim - 1)), lam.view(-1, 1)
    return lx * x + (1 - lx) * x[perm], (1 - ly) * ys + ly * ys[perm]
