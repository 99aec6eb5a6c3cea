# replaces: ex4_is_cat
# fails: ex4_test_is_cat
# Looks at the first letter of the whole path instead of the breed's.
def is_cat(fname):
    return str(fname)[0].isupper()
