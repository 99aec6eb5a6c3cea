# replaces: ex4_presized_dblock
# fails: ex4_test_batch, ex4_test_presizing
# Writes the default sizes 64 and 32 into the DataBlock instead of using the arguments.
def presized_dblock(item_size=64, final_size=32):
    return DataBlock(blocks=(ImageBlock, CategoryBlock), get_items=get_pet_images, get_y=pet_breed,
                     splitter=stratified_splitter(pet_breed), item_tfms=Resize(64),
                     batch_tfms=aug_transforms(size=32, min_scale=0.75))
