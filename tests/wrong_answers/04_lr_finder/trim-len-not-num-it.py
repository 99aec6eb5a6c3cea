# replaces: ex4_trim_curve
# fails: ex4_test_ends
# Leaves out a tenth of the recorded points instead of num_it//10: wrong when the finder stopped early.
def trim_curve(lrs, losses, num_it, skip_end=5):
    k = len(lrs)//10
    lrs, losses = [float(o) for o in lrs][k:], [float(o) for o in losses][k:]
    if skip_end > 0: lrs, losses = lrs[:-skip_end], losses[:-skip_end]
    n = next((i for i, l in enumerate(losses) if math.isnan(l)), len(losses))
    return lrs[:n], losses[:n]
