# replaces: ex3b_steep
# fails: ex3b_test_hand, ex3b_test_fastai
# Off by one in the gradient index: suggests the right end of the steepest segment, lrs[j+1].
def steep(lrs, losses):
    slopes = np.diff(np.asarray(losses, dtype=float)) / np.diff(np.log(np.asarray(lrs, dtype=float)))
    return float(lrs[int(np.argmin(slopes)) + 1])
