# replaces: ex1_discriminative_lrs
# fails: ex1_test_slice_stop
# slice(stop) gives stop to every group, instead of stop/10 to all but the last.
def discriminative_lrs(lr, n_groups):
    if isinstance(lr, slice):
        if lr.start is None: return [lr.stop]*n_groups
        if n_groups == 1: return [lr.stop]
        step = (lr.stop/lr.start)**(1/(n_groups-1))
        return [lr.start * step**i for i in range(n_groups)]
    return [lr]*n_groups
