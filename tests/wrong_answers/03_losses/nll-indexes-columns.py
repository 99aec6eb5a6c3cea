# replaces: ex4_nll_loss
# fails: ex4_test_picks
# Indexes only the columns with the targets, so it averages an N x N block of entries instead of one entry per row.
def nll_loss(log_probs, targets):
    return -log_probs[:, targets].mean()
