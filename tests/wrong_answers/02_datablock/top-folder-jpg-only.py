# replaces: ex1_get_pet_images
# fails: ex1_test_files
# Looks only in the top folder and only for lower-case .jpg: misses sub-folders, .JPG, .jpeg and .png.
def get_pet_images(folder):
    return sorted(Path(folder).glob('*.jpg'))
