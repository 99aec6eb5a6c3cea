# replaces: ex4_presized_dblock
# fails: ex4_test_presizing
# Resizes the items straight to the final size: the batches have the right shape, but there is no margin for the augmentations.
def presized_dblock(item_size=64, final_size=32):
    return DataBlock(blocks=(ImageBlock, CategoryBlock), get_items=get_pet_images, get_y=pet_breed,
                     splitter=stratified_splitter(pet_breed), item_tfms=Resize(final_size),
                     batch_tfms=aug_transforms(size=final_size, min_scale=0.75))
