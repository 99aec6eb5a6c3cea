# replaces: ex1_discriminative_lrs
# fails: ex1_test_slice_range
# No case for a single group: slice(start, stop) with n_groups=1 divides by zero.
def discriminative_lrs(lr, n_groups):
    if isinstance(lr, slice):
        if not lr.start: return [lr.stop/10]*(n_groups-1) + [lr.stop]
        step = (lr.stop/lr.start)**(1/(n_groups-1))
        return [lr.start * step**i for i in range(n_groups)]
    return [lr]*n_groups
