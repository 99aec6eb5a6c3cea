# replaces: ex4_mixup_batch
# fails: ex4_test_per_item
# Multiplies the (N, n_classes) one-hot labels by lam of shape (N,) as it is: broadcasting lines lam up with the class axis, silently when n_classes == N.
def mixup_batch(x, y, lam, perm, n_classes):
    ys = F.one_hot(y, n_classes).float()
    lx = lam.view(-1, *[1]*(x.ndim - 1))
    return lx * x + (1 - lx) * x[perm], lam * ys + (1 - lam) * ys[perm]
