# replaces: ex2_pet_breed
# fails: ex2_test_vocab, ex2_test_paths
# Calls the course library's pet_label (lesson 1's answer), which this exercise forbids.
from sotavision.labels import pet_label
def pet_breed(fname):
    return pet_label(fname)
