# replaces: ex4_nll_loss
# fails: ex4_test_picks
# Uses the targets as row numbers: it averages whole rows, the rows whose number is a target.
def nll_loss(log_probs, targets):
    return -log_probs[targets].mean()
