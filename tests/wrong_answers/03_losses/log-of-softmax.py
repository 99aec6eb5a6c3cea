# replaces: ex3_log_softmax
# fails: ex3_test_extreme
# The log of softmax: -inf where a probability rounds to 0, as for the logits [0, -1000].
def log_softmax(x, dim=-1):
    return softmax(x, dim).log()
