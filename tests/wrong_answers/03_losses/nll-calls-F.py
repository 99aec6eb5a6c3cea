# replaces: ex4_nll_loss
# fails: ex4_test_picks, ex4_test_mean
# Calls F.nll_loss, the function it should re-implement.
def nll_loss(log_probs, targets):
    return F.nll_loss(log_probs, targets)
