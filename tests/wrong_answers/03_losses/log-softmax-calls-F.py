# replaces: ex3_log_softmax
# fails: ex3_test_values, ex3_test_extreme
# Calls F.log_softmax, the function it should re-implement.
def log_softmax(x, dim=-1):
    return F.log_softmax(x, dim=dim)
