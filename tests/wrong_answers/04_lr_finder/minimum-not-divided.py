# replaces: ex3a_minimum
# fails: ex3a_test_minimum
# Suggests the learning rate at the lowest loss itself, not a tenth of it.
def minimum(lrs, losses):
    return float(lrs[int(np.argmin(losses))])
