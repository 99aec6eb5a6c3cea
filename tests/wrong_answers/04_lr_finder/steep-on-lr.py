# replaces: ex3b_steep
# fails: ex3b_test_fastai
# The slope is taken against lr instead of log(lr), so the noise at the tiny first steps looks steepest.
def steep(lrs, losses):
    slopes = np.diff(np.asarray(losses, dtype=float)) / np.diff(np.asarray(lrs, dtype=float))
    return float(lrs[int(np.argmin(slopes))])
