# replaces: ex2_resize_schedule
# fails: ex2_test_batch_sizes
# Rounds the ratio final/size down before squaring it: right for powers of 2, but 224 // 128 is 1, so the 128-pixel stage keeps the final batch size.
def resize_schedule(start, final, epochs, bs):
    sizes, s = [], start
    while s < final:
        sizes.append(s)
        s *= 2
    sizes.append(final)
    return [Stage(bs * (final // s)**2, s, epochs) for s in sizes]
