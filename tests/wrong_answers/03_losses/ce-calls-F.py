# replaces: ex5_cross_entropy
# fails: ex5_test_values, ex5_test_gradient
# Calls F.cross_entropy, the function it should re-implement.
def cross_entropy(logits, targets):
    return F.cross_entropy(logits, targets)
