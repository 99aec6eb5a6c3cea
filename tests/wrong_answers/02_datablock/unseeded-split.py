# replaces: ex4_presized_dblock
# fails: ex4_test_split
# Keeps broken's RandomSplitter() without a seed: another validation set on every run.
def presized_dblock(item_size=64, final_size=32):
    return DataBlock(blocks=(ImageBlock, CategoryBlock), get_items=get_pet_images, get_y=pet_breed,
                     splitter=RandomSplitter(), item_tfms=Resize(item_size),
                     batch_tfms=aug_transforms(size=final_size, min_scale=0.75))
