# replaces: ex2_label_from_name
# fails: ex2_test_errors
# `.group(1)` on no match: an AttributeError instead of a ValueError naming the file.
def label_from_name(fname):
    return re.search(pattern, Path(fname).name).group(1)
