# replaces: ex4_trim_curve
# fails: ex4_test_ends
# Ignores skip_end: keeps the last points, where the loss explodes.
def trim_curve(lrs, losses, num_it, skip_end=5):
    lrs, losses = [float(o) for o in lrs][num_it//10:], [float(o) for o in losses][num_it//10:]
    n = next((i for i, l in enumerate(losses) if math.isnan(l)), len(losses))
    return lrs[:n], losses[:n]
