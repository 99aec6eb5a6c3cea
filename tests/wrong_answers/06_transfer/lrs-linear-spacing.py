# replaces: ex1_discriminative_lrs
# fails: ex1_test_slice_range
# slice(start, stop) spread linearly (np.linspace) instead of geometrically: right ends, wrong groups in between.
def discriminative_lrs(lr, n_groups):
    if isinstance(lr, slice):
        if not lr.start: return [lr.stop/10]*(n_groups-1) + [lr.stop]
        if n_groups == 1: return [lr.stop]
        return [float(o) for o in np.linspace(lr.start, lr.stop, n_groups)]
    return [lr]*n_groups
