# replaces: ex1_discriminative_lrs
# fails: ex1_test_number, ex1_test_slice_stop, ex1_test_slice_range
# Not from scratch: calls fastai's even_mults, which is what this exercise re-implements.
def discriminative_lrs(lr, n_groups):
    if isinstance(lr, slice):
        if not lr.start: return [lr.stop/10]*(n_groups-1) + [lr.stop]
        if n_groups == 1: return [lr.stop]
        return list(even_mults(lr.start, lr.stop, n_groups))
    return [lr]*n_groups
