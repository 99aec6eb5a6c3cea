# replaces: ex4_mixup_batch
# fails: ex4_test_per_item
# Uses one weight for the whole batch (the mean of lam) instead of each item's own lam[i].
def mixup_batch(x, y, lam, perm, n_classes):
    l = lam.mean()
    ys = F.one_hot(y, n_classes).float()
    return l * x + (1 - l) * x[perm], l * ys + (1 - l) * ys[perm]
