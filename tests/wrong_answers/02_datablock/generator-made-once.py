# replaces: ex3_stratified_splitter
# fails: ex3_test_seed
# Seeds the generator once, when the splitter is made: every later call of the same splitter draws another split.
def stratified_splitter(get_label, valid_pct=0.2, seed=42):
    rng = random.Random(seed)
    def _inner(items):
        by_class = {}
        for i, o in enumerate(items): by_class.setdefault(get_label(o), []).append(i)
        train, valid = [], []
        for c in sorted(by_class, key=str):
            idxs = by_class[c]
            rng.shuffle(idxs)
            n = len(idxs)
            n_valid = min(max(round(n * valid_pct), 1), n - 1)
            valid += idxs[:n_valid]
            train += idxs[n_valid:]
        return train, valid
    return _inner
