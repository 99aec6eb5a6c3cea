# replaces: ex5_label_smoothing_ce
# fails: ex5_test_ce_plain, ex5_test_ce_smoothing
# Adds up the losses of the items instead of averaging them: right for a batch of one item only.
def label_smoothing_ce(logits, y, eps=0.1):
    logp = torch.log_softmax(logits, dim=-1)
    return -(smooth_targets(y, logits.shape[1], eps) * logp).sum()
