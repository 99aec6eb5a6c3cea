# replaces: ex5_label_smoothing_ce
# fails: ex5_test_ce_plain
# Takes the log of a softmax: a probability that rounds to 0 for large logits gives log 0 = -inf and an infinite loss.
def label_smoothing_ce(logits, y, eps=0.1):
    e = (logits - logits.max(dim=1, keepdim=True).values).exp()
    logp = (e / e.sum(dim=1, keepdim=True)).log()
    return -(smooth_targets(y, logits.shape[1], eps) * logp).sum(-1).mean()
