# replaces: ex1_discriminative_lrs
# fails: ex1_test_slice_stop
# Tests `lr.start is None` instead of fastai's `not lr.start`: slice(0, stop) then divides by zero.
def discriminative_lrs(lr, n_groups):
    if isinstance(lr, slice):
        if lr.start is None: return [lr.stop/10]*(n_groups-1) + [lr.stop]
        if n_groups == 1: return [lr.stop]
        step = (lr.stop/lr.start)**(1/(n_groups-1))
        return [lr.start * step**i for i in range(n_groups)]
    return [lr]*n_groups
