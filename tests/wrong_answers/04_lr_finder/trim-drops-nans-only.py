# replaces: ex4_trim_curve
# fails: ex4_test_nan
# Removes the nan points but keeps what comes after the first nan.
def trim_curve(lrs, losses, num_it, skip_end=5):
    lrs, losses = [float(o) for o in lrs][num_it//10:], [float(o) for o in losses][num_it//10:]
    if skip_end > 0: lrs, losses = lrs[:-skip_end], losses[:-skip_end]
    keep = [i for i, l in enumerate(losses) if not math.isnan(l)]
    return [lrs[i] for i in keep], [losses[i] for i in keep]
