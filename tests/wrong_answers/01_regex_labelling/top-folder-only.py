# replaces: ex3_count_labels
# fails: ex3_test_files
# Counts the top folder only, so images in sub-folders are missed.
def count_labels(folder):
    files = [p for p in Path(folder).glob('*') if p.suffix.lower() in ('.jpg', '.jpeg')]
    return Counter(label_from_name(p) for p in files)
