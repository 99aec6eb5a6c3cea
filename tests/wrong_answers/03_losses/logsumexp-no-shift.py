# replaces: ex2_logsumexp
# fails: ex2_test_large
# log(sum(exp(x))) straight from the formula: inf for logits like 1000, -inf for logits like -1000.
def logsumexp(x, dim=-1):
    return x.exp().sum(dim).log()
