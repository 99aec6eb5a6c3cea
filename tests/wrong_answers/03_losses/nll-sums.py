# replaces: ex4_nll_loss
# fails: ex4_test_mean
# Adds up the items' losses instead of averaging them: the loss would grow with the batch size.
def nll_loss(log_probs, targets):
    return -log_probs[torch.arange(len(targets)), targets].sum()
