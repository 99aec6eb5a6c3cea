# replaces: ex3_stratified_splitter
# fails: ex3_test_seed
# Puts the first items of each class in the validation set: reproducible, but not random, and the seed does nothing.
def stratified_splitter(get_label, valid_pct=0.2, seed=42):
    def _inner(items):
        by_class = {}
        for i, o in enumerate(items): by_class.setdefault(get_label(o), []).append(i)
        train, valid = [], []
        for idxs in by_class.values():
            n = len(idxs)
            n_valid = min(max(round(n * valid_pct), 1), n - 1)
            valid += idxs[:n_valid]
            train += idxs[n_valid:]
        return train, valid
    return _inner
