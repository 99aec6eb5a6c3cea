# replaces: ex3_stratified_splitter
# fails: ex3_test_pets, ex3_test_small_classes, ex3_test_seed
# Calls scikit-learn's stratified train_test_split, which the exercise asks to write from scratch.
from sklearn.model_selection import train_test_split
def stratified_splitter(get_label, valid_pct=0.2, seed=42):
    def _inner(items):
        idxs = list(range(len(items)))
        train, valid = train_test_split(idxs, test_size=valid_pct, random_state=seed, stratify=[get_label(o) for o in items])
        return train, valid
    return _inner
