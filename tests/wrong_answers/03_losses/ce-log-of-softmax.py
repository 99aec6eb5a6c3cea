# replaces: ex5_cross_entropy
# fails: ex5_test_values, ex5_test_gradient
# Takes the log of softmax instead of log_softmax: an infinite loss and nan gradients for confident wrong predictions.
def cross_entropy(logits, targets):
    return nll_loss(softmax(logits).log(), targets)
