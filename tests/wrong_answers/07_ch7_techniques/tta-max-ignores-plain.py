# replaces: ex3_tta_aggregate
# fails: ex3_test_max
# With use_max, takes the maximum over the augmented passes only and leaves the plain prediction out.
def tta_aggregate(preds_aug, preds_plain, beta=0.25, use_max=False):
    if use_max: return preds_aug.max(dim=0).values
    aug = preds_aug.mean(dim=0)
    if beta is None: return aug, preds_plain
    return (1 - beta) * aug + beta * preds_plain
