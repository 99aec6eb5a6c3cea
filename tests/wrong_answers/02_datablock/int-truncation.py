# replaces: ex3_stratified_splitter
# fails: ex3_test_small_classes
# int(n * valid_pct) rounds down to 0 for classes of fewer than 5 items, which then have no validation item.
def stratified_splitter(get_label, valid_pct=0.2, seed=42):
    def _inner(items):
        rng = random.Random(seed)
        by_class = {}
        for i, o in enumerate(items): by_class.setdefault(get_label(o), []).append(i)
        train, valid = [], []
        for c in sorted(by_class, key=str):
            idxs = by_class[c]
            rng.shuffle(idxs)
            n_valid = int(len(idxs) * valid_pct)
            valid += idxs[:n_valid]
            train += idxs[n_valid:]
        return train, valid
    return _inner
