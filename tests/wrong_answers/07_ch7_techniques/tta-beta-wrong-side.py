# replaces: ex3_tta_aggregate
# fails: ex3_test_blend
# Gives beta to the augmented average and 1 - beta to the plain prediction (the arguments of lerp swapped): 75% plain instead of 75% augmented.
def tta_aggregate(preds_aug, preds_plain, beta=0.25, use_max=False):
    aug = preds_aug.max(dim=0).values if use_max else preds_aug.mean(dim=0)
    if use_max: return torch.maximum(aug, preds_plain)
    if beta is None: return aug, preds_plain
    return beta * aug + (1 - beta) * preds_plain
