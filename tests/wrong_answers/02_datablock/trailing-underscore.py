# replaces: ex2_pet_breed
# fails: ex2_test_vocab, ex2_test_paths
# Strips the digits but not the underscore before them: 'great_pyrenees_' instead of 'great_pyrenees'.
def pet_breed(fname):
    return Path(fname).stem.rstrip('0123456789')
