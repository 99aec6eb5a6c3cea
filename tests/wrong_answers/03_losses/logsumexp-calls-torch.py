# replaces: ex2_logsumexp
# fails: ex2_test_values, ex2_test_large
# Calls torch.logsumexp, the function it should re-implement.
def logsumexp(x, dim=-1):
    return torch.logsumexp(x, dim)
