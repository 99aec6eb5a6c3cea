# replaces: ex4_trim_curve
# fails: ex4_test_ends
# Slices with [:-skip_end]: with skip_end=0 that is [:0], which drops the whole curve.
def trim_curve(lrs, losses, num_it, skip_end=5):
    lrs, losses = [float(o) for o in lrs][num_it//10:-skip_end], [float(o) for o in losses][num_it//10:-skip_end]
    n = next((i for i, l in enumerate(losses) if math.isnan(l)), len(losses))
    return lrs[:n], losses[:n]
