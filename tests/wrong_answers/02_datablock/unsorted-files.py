# replaces: ex1_get_pet_images
# fails: ex1_test_pets, ex1_test_files
# Finds the right files but leaves them in the file system's order, so a seeded split differs between computers.
def get_pet_images(folder):
    return get_image_files(folder)
