# replaces: ex4_nll_loss
# fails: ex4_test_picks
# Row and column swapped: log_probs[targets[i], i]. On a symmetric square batch it happens to give the right number.
def nll_loss(log_probs, targets):
    return -log_probs[targets, torch.arange(len(targets))].mean()
