# replaces: ex3_log_softmax
# fails: ex3_test_values
# Always works along the last axis, whatever `dim` says.
def log_softmax(x, dim=-1):
    return x - logsumexp(x, -1).unsqueeze(-1)
