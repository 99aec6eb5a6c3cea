# replaces: ex2_pet_breed
# fails: ex2_test_vocab, ex2_test_paths
# Runs the regex on the whole path, so the label starts with the folders.
def pet_breed(fname):
    return re.search(r'(.+)_\d+\.jpg$', str(fname)).group(1)
